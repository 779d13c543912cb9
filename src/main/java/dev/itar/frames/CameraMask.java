package dev.itar.frames;

import java.util.Arrays;
import java.util.Objects;

/**
 * One named mask image of a camera (ncore's masks component), stored as it is.
 *
 * @param name   the mask's name; it becomes a zarr node name
 * @param format encoded image format, {@code [a-z0-9]{1,32}} (ncore writes {@code png})
 * @param image  the encoded image bytes
 */
public record CameraMask(String name, String format, byte[] image) {
    public CameraMask {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(image, "image");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CameraMask other && name.equals(other.name) && format.equals(other.format)
                && Arrays.equals(image, other.image);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, format, Arrays.hashCode(image));
    }

    @Override
    public String toString() {
        return "CameraMask[name=" + name + ", format=" + format + ", image=" + Values.summary(image) + "]";
    }
}
