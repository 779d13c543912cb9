package dev.itar.bench;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Proves the pipeline's speed and memory claims in one run, each figure as a ratio to a ceiling measured in the
 * same run on the same machine:
 * <ul>
 *   <li>{@code ingest_vs_consumer}: pipeline MB/s (topic to chunks in the store) ÷ a plain KafkaConsumer draining
 *       the same topic on the same broker;</li>
 *   <li>{@code seal_vs_disk}: SequenceSealer MB/s ÷ FileChannel write + force of the same bytes;</li>
 *   <li>{@code seal_heap_mib}: largest live heap (after GC) while sealing 4× the heap in a 64 MiB child JVM;</li>
 *   <li>{@code rebuild_vs_live}: wall time to rebuild every archive from offset 0 ÷ the live run's;</li>
 *   <li>{@code archive_overhead}: archive bytes ÷ record payload bytes of the default drive;</li>
 *   <li>{@code archive_write_vs_filechannel}, {@code index_load_ms_100k_keys}: {@link ArchiveBenchmark}.</li>
 * </ul>
 * Raw MB/s and seconds are reported beside them for context.
 */
public final class IngestBenchmark {
    /** Sizes of one run. */
    public record Sizes(int driveCopies, int sealRepeats, int sealRounds, int heapMib, int heapSealMib) {
        /** About a minute and a half on two cores. */
        public static final Sizes QUICK = new Sizes(12, 8, 2, 64, 256);
        public static final Sizes FULL = new Sizes(40, 30, 3, 64, 512);
    }

    private IngestBenchmark() {
    }

    public static Map<String, Double> run(Path workDir, boolean quick, Consumer<String> progress)
            throws IOException, InterruptedException {
        Sizes sizes = quick ? Sizes.QUICK : Sizes.FULL;
        Files.createDirectories(workDir);
        Map<String, Double> out = new LinkedHashMap<>();

        progress.accept("generating the simulator's default drive");
        BenchDrive drive = BenchDrive.generate();

        Map<String, Double> pipeline = new PipelineBenchmark(workDir.resolve("pipeline"), sizes.driveCopies(),
                Map.of(), progress).run(drive);
        progress.accept("sealing in-process vs FileChannel + force");
        Map<String, Double> seal = SealBenchmark.run(workDir.resolve("seal"), drive, sizes.sealRepeats(),
                sizes.sealRounds());
        progress.accept("sealing " + sizes.heapSealMib() + " MiB in a -Xmx" + sizes.heapMib() + "m child JVM");
        Map<String, Double> heap = SealHeapProbe.runChild(workDir.resolve("heap"), sizes.heapMib(),
                sizes.heapSealMib());
        progress.accept("archive layer (ArchiveBenchmark)");
        // the full archive benchmark (100 000 keys) takes seconds, so quick runs it too
        Map<String, Double> archive = ArchiveBenchmark.run(workDir.resolve("archive"), false);

        // ratios first, then raw context
        out.put("ingest_vs_consumer", pipeline.get("ingest_vs_consumer"));
        out.put("seal_vs_disk", seal.get("seal_vs_disk"));
        out.put("seal_heap_mib", heap.get("seal_heap_mib"));
        out.put("rebuild_vs_live", pipeline.get("rebuild_vs_live"));
        out.put("archive_overhead", pipeline.get("archive_overhead"));
        out.put("archive_write_vs_filechannel", archive.get("archive_write_vs_filechannel"));
        out.put("index_load_ms_100k_keys", archive.get("index_load_ms_100k_keys"));
        for (Map<String, Double> m : java.util.List.of(pipeline, seal, heap, archive)) {
            m.forEach(out::putIfAbsent);
        }
        return out;
    }

    /**
     * Only the live pipeline (produce, consumer ceiling, ingest, seal; no rebuild, seal, heap or archive
     * benchmarks), with {@code settings} on top of the ingest defaults: for iterating on ingest speed.
     */
    public static Map<String, Double> runIngest(Path workDir, boolean quick, Map<String, String> settings,
                                                Consumer<String> progress) throws IOException, InterruptedException {
        Sizes sizes = quick ? Sizes.QUICK : Sizes.FULL;
        Files.createDirectories(workDir);
        progress.accept("generating the simulator's default drive");
        BenchDrive drive = BenchDrive.generate();
        return new PipelineBenchmark(workDir.resolve("pipeline"), sizes.driveCopies(), settings, false, progress)
                .run(drive);
    }
}
