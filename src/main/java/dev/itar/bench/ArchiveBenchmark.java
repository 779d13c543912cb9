package dev.itar.bench;

import dev.itar.archive.ArchiveFormatException;
import dev.itar.archive.IndexedTarReader;
import dev.itar.archive.IndexedTarWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Measures the archive layer against the disk it writes to, in one run:
 * <ul>
 *   <li>{@code archive_write_vs_filechannel}: archive write throughput (put every chunk, close: index,
 *       fsync, rename) divided by writing the same payload bytes with a plain FileChannel plus force;</li>
 *   <li>{@code index_load_ms_100k_keys}: milliseconds to open an archive of 100 000 keys (tail read,
 *       header, XZ + CBOR index decode and validation) — median of several opens.</li>
 * </ul>
 * Quick mode uses small sizes (and fewer keys, reported as {@code index_keys}) so a test can run it.
 */
public final class ArchiveBenchmark {
    private ArchiveBenchmark() {}

    public static Map<String, Double> run(Path dir, boolean quick) throws IOException {
        int chunkSize = quick ? 64 * 1024 : 1 << 20;
        int chunks = quick ? 32 : 256;
        int rounds = quick ? 1 : 3;
        int keys = quick ? 5_000 : 100_000;
        Files.createDirectories(dir);
        byte[][] payload = payload(chunks, chunkSize);
        double totalMb = (double) chunks * chunkSize / (1024 * 1024);

        // Best of several rounds for each, interleaved, so neither side benefits from a warmer cache.
        long bestArchive = Long.MAX_VALUE;
        long bestChannel = Long.MAX_VALUE;
        for (int r = 0; r <= rounds; r++) { // round 0 warms up the JIT and is discarded
            long a = timeArchiveWrite(dir.resolve("bench-archive.itar"), payload);
            long c = timeChannelWrite(dir.resolve("bench-plain.bin"), payload);
            if (r > 0) {
                bestArchive = Math.min(bestArchive, a);
                bestChannel = Math.min(bestChannel, c);
            }
        }
        Files.deleteIfExists(dir.resolve("bench-archive.itar"));
        Files.deleteIfExists(dir.resolve("bench-plain.bin"));
        double archiveMbS = totalMb / (bestArchive / 1e9);
        double channelMbS = totalMb / (bestChannel / 1e9);

        Path many = dir.resolve("bench-keys.itar");
        try (IndexedTarWriter w = IndexedTarWriter.create(many)) {
            byte[] small = new byte[8];
            for (int i = 0; i < keys; i++) {
                w.put(String.format("component/frames/%06d/c/0", i), small);
            }
        }
        int warmups = quick ? 1 : 5; // the first opens measure the JIT, not the format
        double[] loads = new double[quick ? 3 : 11];
        for (int i = -warmups; i < loads.length; i++) {
            long t0 = System.nanoTime();
            try (IndexedTarReader r = IndexedTarReader.open(many)) {
                if (r.entries().size() != keys) {
                    throw new IllegalStateException("benchmark archive lost keys");
                }
            } catch (ArchiveFormatException e) {
                throw new IOException(e);
            }
            if (i >= 0) {
                loads[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        Files.deleteIfExists(many);
        Arrays.sort(loads);

        Map<String, Double> out = new LinkedHashMap<>();
        out.put("archive_write_vs_filechannel", archiveMbS / channelMbS);
        out.put("archive_write_mb_s", archiveMbS);
        out.put("filechannel_write_mb_s", channelMbS);
        out.put("index_load_ms_100k_keys", loads[loads.length / 2]);
        out.put("index_keys", (double) keys);
        return out;
    }

    private static byte[][] payload(int chunks, int chunkSize) {
        Random random = new Random(42); // fixed seed: same bytes every run
        byte[][] p = new byte[chunks][chunkSize];
        for (byte[] c : p) {
            random.nextBytes(c);
        }
        return p;
    }

    private static long timeArchiveWrite(Path file, byte[][] payload) throws IOException {
        long t0 = System.nanoTime();
        try (IndexedTarWriter w = IndexedTarWriter.create(file)) {
            for (int i = 0; i < payload.length; i++) {
                w.put("data/c/" + i, payload[i]);
            }
        }
        return System.nanoTime() - t0;
    }

    private static long timeChannelWrite(Path file, byte[][] payload) throws IOException {
        long t0 = System.nanoTime();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (byte[] c : payload) {
                ByteBuffer b = ByteBuffer.wrap(c);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            ch.force(true);
        }
        return System.nanoTime() - t0;
    }

    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("itar-bench");
        boolean quick = args.length > 1 && args[1].equals("quick");
        run(dir, quick).forEach((k, v) -> System.out.printf("%s=%.3f%n", k, v));
    }
}
