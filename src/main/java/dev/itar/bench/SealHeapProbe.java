package dev.itar.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.itar.frames.CameraFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.ncore.EncodedFrame;
import dev.itar.ncore.FrameEncoder;
import dev.itar.ncore.SealRequest;
import dev.itar.ncore.SealResult;
import dev.itar.ncore.SequenceHeader;
import dev.itar.ncore.SequenceSealer;
import dev.itar.zarr.RootDialect;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * {@code seal_heap_mib}: seals a recording several times larger than the heap in a child JVM with a small
 * {@code -Xmx}, from lazily generated chunks (1 MiB camera images, generated when the sealer asks for them), and
 * reports the heap: the largest heap in use right after a garbage collection (what sealing keeps alive) and the
 * largest heap in use sampled every millisecond (garbage included, so at most -Xmx).
 */
public final class SealHeapProbe {
    static final String RESULT_PREFIX = "SEAL_HEAP ";
    private static final int FRAME_BYTES = 1 << 20;

    private SealHeapProbe() {
    }

    /** Starts the child JVM (same classpath) and parses its result line. */
    static Map<String, Double> runChild(Path dir, int heapMib, int sealMib) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx" + heapMib + "m", "-cp", System.getProperty("java.class.path"),
                SealHeapProbe.class.getName(), dir.toString(), Integer.toString(sealMib))
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        }
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("seal heap probe did not finish within 5 minutes");
        }
        String result = lines.stream().filter(l -> l.startsWith(RESULT_PREFIX)).findFirst().orElse(null);
        if (p.exitValue() != 0 || result == null) {
            throw new IllegalStateException("seal heap probe with -Xmx" + heapMib + "m failed (exit " + p.exitValue()
                    + "):\n" + String.join("\n", lines));
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String kv : result.substring(RESULT_PREFIX.length()).trim().split(" ")) {
            int eq = kv.indexOf('=');
            out.put(kv.substring(0, eq), Double.parseDouble(kv.substring(eq + 1)));
        }
        out.put("seal_heap_xmx_mib", (double) heapMib);
        return out;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int frames = Integer.parseInt(args[1]) * (1 << 20) / FRAME_BYTES;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        AtomicLong peakAfterGc = new AtomicLong();
        AtomicLong peakSampled = new AtomicLong();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
                if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                GarbageCollectionNotificationInfo info =
                        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                        .mapToLong(MemoryUsage::getUsed).sum();
                peakAfterGc.accumulateAndGet(used, Math::max);
            }, null, null);
        }
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakSampled.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();

        FrameEncoder encoder = new FrameEncoder();
        IntFunction<EncodedFrame> frame = i -> {
            byte[] image = new byte[FRAME_BYTES];
            long x = 0x9E3779B97F4A7C15L * (i + 1);
            for (int k = 0; k < image.length; k += 8) { // incompressible-ish, like JPEG payloads
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                image[k] = (byte) x;
            }
            long t = 1_000_000L + i; // same digit count: key order == time order
            return encoder.encode(new CameraFrame("cam0", t, t, "raw", image, null, null));
        };
        SealResult r = new SequenceSealer().seal(new SealRequest(dir, "heap-probe",
                new SequenceHeader("heap-probe", null, OptionalLong.empty()),
                lazy(frames, i -> frame.apply(i).entry()), List.<PoseFrame>of().iterator(), List.of(), List.of(),
                lazy(frames, i -> frame.apply(i).chunks().get(0)), RootDialect.PR68));
        sampler.interrupt();
        sampler.join();
        java.nio.file.Files.deleteIfExists(r.archive());
        java.nio.file.Files.deleteIfExists(r.sequenceMeta());
        System.out.printf(java.util.Locale.ROOT, "%sseal_heap_mib=%.1f seal_heap_peak_used_mib=%.1f "
                        + "seal_heap_sealed_mib=%.1f%n", RESULT_PREFIX, peakAfterGc.get() / 1048576.0,
                peakSampled.get() / 1048576.0, r.bytes() / 1048576.0);
    }

    /** Elements made one at a time as the sealer pulls them: nothing is held beyond the current one. */
    private static <T> Iterator<T> lazy(int count, IntFunction<T> make) {
        return IntStream.range(0, count).mapToObj(make).iterator();
    }
}
