package dev.itar.ncore;

import dev.itar.frames.CameraFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.zarr.RootDialect;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Run in a child JVM with a small -Xmx by {@link SequenceSealerTest}: seals {@code count} camera frames of
 * {@code size} bytes each, generated lazily (entries first, then chunks), then reads the last frame back.
 * Exits non-zero (OutOfMemoryError or assertion) if sealing held the chunks.
 */
public final class SmallHeapSeal {
    private SmallHeapSeal() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        int size = Integer.parseInt(args[2]);
        FrameEncoder encoder = new FrameEncoder();
        IntFunction<EncodedFrame> frame = i -> {
            byte[] image = new byte[size];
            Arrays.fill(image, (byte) i);
            image[0] = 1;
            long t = 1_000_000L + i; // same digit count: key order == time order
            return encoder.encode(new CameraFrame("cam0", t, t, "raw", image, null, null));
        };
        SealResult r = new SequenceSealer().seal(new SealRequest(dir, "big",
                new SequenceHeader("big", null, OptionalLong.empty()),
                lazy(count, i -> frame.apply(i).entry()), List.<PoseFrame>of().iterator(), List.of(), List.of(),
                lazy(count, i -> frame.apply(i).chunks().get(0)), RootDialect.PR68));
        try (SequenceReader reader = SequenceReader.open(r.archive())) {
            long t = 1_000_000L + count - 1;
            byte[] last = ((CameraFrame) reader.frame("cameras/cam0", t, t)).image();
            if (last.length != size || last[size - 1] != (byte) (count - 1)) {
                throw new AssertionError("last frame read back wrong");
            }
        }
        System.out.println("frames=" + r.framesPerSensor().get("cameras/cam0") + " bytes=" + r.bytes()
                + " heap=" + Runtime.getRuntime().maxMemory() / (1 << 20) + "MiB");
    }

    /** Elements made one at a time as the sealer pulls them: nothing is held beyond the current one. */
    private static <T> Iterator<T> lazy(int count, IntFunction<T> make) {
        return IntStream.range(0, count).mapToObj(make).iterator();
    }
}
