package dev.itar.sim;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A camera's ego mask: an 8-bit grey PNG of the image size, 255 where the vehicle's own hood hides the scene (a
 * band along the bottom, higher in the middle), 0 elsewhere. A pure function of the size.
 */
final class EgoMask {
    private EgoMask() {}

    static byte[] png(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < width; x++) {
            double centre = 1 - Math.abs(2.0 * x / (width - 1) - 1); // 0 at the edges, 1 in the middle
            int hood = (int) Math.round(height * (0.06 + 0.06 * centre));
            for (int y = height - hood; y < height; y++) {
                image.getRaster().setSample(x, y, 0, 255);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
