package dev.itar.storage;

import dev.itar.frames.CameraFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.ncore.EncodedFrame;
import dev.itar.ncore.FrameEncoder;
import dev.itar.ncore.SealRequest;
import dev.itar.ncore.SealResult;
import dev.itar.ncore.SequenceHeader;
import dev.itar.ncore.SequenceSealer;
import dev.itar.zarr.RootDialect;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/** Archives for the storage tests: a real ncore v4 sequence, larger than a reader's 1 MiB tail read. */
public final class TestArchives {
    private TestArchives() {}

    /**
     * Seals {@code frames} camera frames of {@code frameBytes} incompressible bytes each into
     * {@code <dir>/<id>.ncore4.zarr.itar}.
     */
    public static SealResult cameraSequence(Path dir, String id, int frames, int frameBytes) throws IOException {
        FrameEncoder encoder = new FrameEncoder();
        IntFunction<EncodedFrame> frame = i -> {
            byte[] image = new byte[frameBytes];
            new SplittableRandom(i).nextBytes(image);
            long t = 1_000_000L + i * 100_000L; // same digit count: key order is time order
            return encoder.encode(new CameraFrame("cam0", t, t, "raw", image, null, null));
        };
        return new SequenceSealer().seal(new SealRequest(dir, id, new SequenceHeader(id, null, OptionalLong.empty()),
                IntStream.range(0, frames).mapToObj(i -> frame.apply(i).entry()).iterator(),
                List.<PoseFrame>of().iterator(), List.of(), List.of(),
                IntStream.range(0, frames).mapToObj(i -> frame.apply(i).chunks().get(0)).iterator(), RootDialect.PR68));
    }
}
