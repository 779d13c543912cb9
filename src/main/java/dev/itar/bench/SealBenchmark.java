package dev.itar.bench;

import dev.itar.frames.PoseFrame;
import dev.itar.ncore.Chunk;
import dev.itar.ncore.EncodedFrame;
import dev.itar.ncore.FrameEncoder;
import dev.itar.ncore.FrameEntry;
import dev.itar.ncore.SealRequest;
import dev.itar.ncore.SealResult;
import dev.itar.ncore.SequenceHeader;
import dev.itar.ncore.SequenceSealer;
import dev.itar.zarr.RootDialect;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@code seal_vs_disk}: SequenceSealer writing one recording (the default drive's sensor frames, repeated in time
 * {@code repeats} times, encoded beforehand and held in memory) against writing the same number of bytes with a
 * FileChannel and {@code force(true)} on the same disk. Best of several interleaved rounds each, after a warm-up.
 */
final class SealBenchmark {
    private SealBenchmark() {
    }

    static Map<String, Double> run(Path dir, BenchDrive drive, int repeats, int rounds) throws IOException {
        Files.createDirectories(dir);
        FrameEncoder encoder = new FrameEncoder();
        List<EncodedFrame> frames = new ArrayList<>();
        long span = drive.config().durationUs() + 1_000_000L;
        for (int r = 0; r < repeats; r++) {
            frames.addAll(drive.encodedSensorFrames(encoder, r * span));
        }
        List<FrameEntry> entries = frames.stream().map(EncodedFrame::entry)
                .sorted(Comparator.comparing(FrameEntry::component).thenComparing(FrameEntry::sensor)
                        .thenComparingLong(FrameEntry::t1))
                .toList();
        List<Chunk> chunks = new ArrayList<>();
        frames.forEach(f -> chunks.addAll(f.chunks()));
        chunks.sort(Comparator.comparing(Chunk::key));
        frames.clear();

        SequenceSealer sealer = new SequenceSealer();
        long bestSeal = Long.MAX_VALUE;
        long bestDisk = Long.MAX_VALUE;
        long bytes = 0;
        for (int round = 0; round <= rounds; round++) { // round 0 warms up the JIT and is discarded
            long t0 = System.nanoTime();
            SealResult result = sealer.seal(new SealRequest(dir, "seal-bench",
                    new SequenceHeader("seal-bench", null, OptionalLong.empty()), entries.iterator(),
                    List.<PoseFrame>of().iterator(), List.of(), List.of(), chunks.iterator(), RootDialect.PR68));
            long seal = System.nanoTime() - t0;
            bytes = result.bytes();
            long disk = timeChannelWrite(dir.resolve("seal-bench-plain.bin"), bytes);
            if (round > 0) {
                bestSeal = Math.min(bestSeal, seal);
                bestDisk = Math.min(bestDisk, disk);
            }
        }
        Files.deleteIfExists(dir.resolve("seal-bench.ncore4.zarr.itar"));
        Files.deleteIfExists(dir.resolve("seal-bench.json"));
        Files.deleteIfExists(dir.resolve("seal-bench-plain.bin"));
        double sealMbS = bytes / 1e6 / (bestSeal / 1e9);
        double diskMbS = bytes / 1e6 / (bestDisk / 1e9);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("seal_vs_disk", sealMbS / diskMbS);
        out.put("seal_mb_s", sealMbS);
        out.put("disk_force_mb_s", diskMbS);
        out.put("seal_archive_mb", bytes / 1e6);
        out.put("seal_members", (double) chunks.size() + entries.size());
        return out;
    }

    /** Writes {@code bytes} in 1 MiB buffers of non-zero data, then force(true). */
    private static long timeChannelWrite(Path file, long bytes) throws IOException {
        byte[] block = new byte[1 << 20];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 31 + 7);
        }
        long t0 = System.nanoTime();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long left = bytes;
            while (left > 0) {
                ByteBuffer b = ByteBuffer.wrap(block, 0, (int) Math.min(block.length, left));
                left -= b.remaining();
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            ch.force(true);
        }
        return System.nanoTime() - t0;
    }
}
