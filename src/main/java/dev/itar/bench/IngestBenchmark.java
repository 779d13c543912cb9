package dev.itar.bench;

import dev.itar.files.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs the benchmark workloads, each with its figures and their raw context:
 * <ul>
 *   <li>{@code rig} ({@link RigBenchmark}): production-rig vehicles through the application in a child JVM —
 *       {@code rig_mb_s}, {@code rig_realtime_factor}, {@code rig_ingest_vs_consumer}, {@code ingestor_rss_mib};</li>
 *   <li>{@code seal} ({@link SealLatencyBenchmark}): {@code seal_latency_s}, {@code seal_latency_growth},
 *       {@code stall_ms}, on the running application;</li>
 *   <li>{@code seal-heap} ({@link SealHeapNodesBenchmark}): {@code seal_heap_mib_300k_nodes};</li>
 *   <li>{@code failover} ({@link FailoverBenchmark}): {@code failover_resume_s}, {@code failover_resume_standby_s}
 *       — an instance holding an open recording SIGKILLed, until the survivor accepts its next record;</li>
 *   <li>{@code small}: the simulator's small default frames through an in-process application
 *       ({@link PipelineBenchmark}) — {@code ingest_vs_consumer}, {@code rebuild_vs_live}, {@code archive_overhead};
 *       {@code ingest} is the same without the rebuild, for tuning with {@code --set};</li>
 *   <li>{@code sealer}: {@code SequenceSealer} called directly ({@link SealBenchmark}, {@link SealHeapProbe}) —
 *       {@code seal_vs_disk}, {@code seal_heap_mib};</li>
 *   <li>{@code archive} ({@link ArchiveBenchmark}): {@code archive_write_vs_filechannel},
 *       {@code index_load_ms_100k_keys}.</li>
 * </ul>
 * A workload that fails reports {@code <workload>_workload failed: why} and the others still run.
 */
public final class IngestBenchmark {
    /** Every workload, in the order a full run measures them. */
    public static final List<String> WORKLOADS = List.of("rig", "seal", "seal-heap", "failover", "small", "sealer",
            "archive");
    /** Workloads that can be asked for by name but are not part of a full run. */
    public static final List<String> EXTRA_WORKLOADS = List.of("ingest");
    /** Workloads whose application takes {@code --set} settings. */
    public static final List<String> CONFIGURABLE = List.of("rig", "seal", "seal-heap", "failover", "small",
            "ingest");

    /** Sizes of the small-frame workloads. */
    public record Sizes(int driveCopies, int sealRepeats, int sealRounds, int heapMib, int heapSealMib) {
        public static final Sizes QUICK = new Sizes(12, 8, 2, 64, 256);
        public static final Sizes FULL = new Sizes(40, 30, 3, 64, 512);
    }

    /**
     * Sizes of the production-rig and seal workloads.
     *
     * @param driveSeconds    sensor seconds of the production-rig drive generated (longer recordings repeat it)
     * @param rigVehicles     recordings ingested at once by the rig workload
     * @param rigSeconds      sensor seconds per rig recording
     * @param sealSeconds     sensor seconds of the seal workload's large recording (its small one is a quarter)
     * @param sealNodes       zarr nodes of the seal-heap workload's recording
     * @param sealHeapMib     -Xmx of the child that seals it
     * @param failoverSeconds sensor seconds of the failover workload's open recording
     * @param ingestorHeapMib -Xmx of every other child ingestor
     */
    public record RigSizes(double driveSeconds, int rigVehicles, double rigSeconds, double sealSeconds, int sealNodes,
                           int sealHeapMib, double failoverSeconds, int ingestorHeapMib) {
        /** A few minutes on two cores for all workloads. */
        public static final RigSizes QUICK = new RigSizes(2, 2, 4, 4, 300_000, 256, 1, 1024);
        /**
         * The issues' sizes: 12 s per vehicle, as issue 9 measured; a 21 s recording to seal, as issue 13 asks; an
         * 11 s one (about 1 GB) open at a failover, as issue 10 asks.
         */
        public static final RigSizes FULL = new RigSizes(3, 2, 12, 21, 300_000, 256, 11, 1024);
    }

    /**
     * One run.
     *
     * @param workloads names from {@link #WORKLOADS} and {@link #EXTRA_WORKLOADS}
     * @param settings  application settings on top of the defaults (what-if runs)
     * @param keepFiles keep each workload's broker, state, archives and logs; false: the work directory is scratch,
     *                  each workload's part deleted once it is measured and the directory itself at the end
     */
    public record Plan(List<String> workloads, Sizes sizes, RigSizes rigSizes,
                       Map<String, String> settings, IngestorCommand ingestor, boolean keepFiles) {
        public Plan {
            workloads = List.copyOf(workloads);
            settings = Map.copyOf(new LinkedHashMap<>(settings));
            for (String w : workloads) {
                if (!WORKLOADS.contains(w) && !EXTRA_WORKLOADS.contains(w)) {
                    throw new IllegalArgumentException("unknown workload '" + w + "'; the workloads are "
                            + String.join(", ", WORKLOADS) + " and " + String.join(", ", EXTRA_WORKLOADS));
                }
            }
        }
    }

    private IngestBenchmark() {
    }

    /**
     * Runs the plan's workloads in order, handing each one's figures to {@code sink} as soon as it is measured.
     * Returns false if a workload failed (its failure is among the figures).
     */
    public static boolean run(Path workDir, Plan plan, Consumer<String> progress, Consumer<Figures> sink)
            throws IOException {
        Files.createDirectories(workDir);
        boolean ok = true;
        Drives drives = new Drives(workDir, plan, progress);
        try {
            for (String w : plan.workloads()) {
                Path dir = workDir.resolve(w);
                try {
                    sink.accept(run(w, dir, plan, drives, progress));
                } catch (Exception e) {
                    ok = false;
                    progress.accept(w + " failed: " + e);
                    sink.accept(new Figures().section(w).fail(w + "_workload", e.toString()));
                } finally {
                    if (!plan.keepFiles()) {
                        FileTrees.deleteRecursively(dir);
                    }
                }
            }
        } finally {
            if (!plan.keepFiles()) {
                FileTrees.deleteRecursively(workDir);
            }
        }
        return ok;
    }

    private static Figures run(String workload, Path dir, Plan plan, Drives drives, Consumer<String> progress)
            throws IOException, InterruptedException {
        RigSizes rig = plan.rigSizes();
        Workbench bench = new Workbench(dir, plan.ingestor(), plan.settings(), progress);
        return switch (workload) {
            case "rig" -> new RigBenchmark(bench, drives.rig(), rig.rigVehicles(), rig.rigSeconds(),
                    rig.ingestorHeapMib()).run();
            case "seal" -> new SealLatencyBenchmark(bench, drives.rig(), rig.sealSeconds(), rig.ingestorHeapMib())
                    .run();
            case "seal-heap" -> new SealHeapNodesBenchmark(bench, rig.sealNodes(), rig.sealHeapMib(),
                    rig.ingestorHeapMib()).run();
            case "failover" -> new FailoverBenchmark(bench, drives.rig(), rig.failoverSeconds(), rig.ingestorHeapMib())
                    .run();
            case "small" -> small(dir, plan, drives, true, progress);
            case "ingest" -> small(dir, plan, drives, false, progress);
            case "sealer" -> sealer(dir, plan.sizes(), drives, progress);
            case "archive" -> {
                progress.accept("archive layer (ArchiveBenchmark)");
                // the full archive benchmark (100 000 keys) takes seconds, so quick runs it too
                yield new Figures().section("archive: the indexed-tar container alone")
                        .putAll(ArchiveBenchmark.run(dir, false));
            }
            default -> throw new IllegalArgumentException("unknown workload " + workload);
        };
    }

    private static Figures small(Path dir, Plan plan, Drives drives, boolean withRebuild, Consumer<String> progress)
            throws IOException, InterruptedException {
        int copies = plan.sizes().driveCopies();
        Map<String, Double> m = new PipelineBenchmark(dir, copies, plan.settings(), withRebuild, progress)
                .run(drives.small());
        Figures out = new Figures().section("small: the simulator's default drive (small frames) under " + copies
                + " recording ids, one partition, the application in this JVM");
        for (String headline : List.of("ingest_vs_consumer", "rebuild_vs_live", "archive_overhead")) {
            Double v = m.remove(headline);
            if (v != null) {
                out.put(headline, v);
            }
        }
        return out.putAll(m);
    }

    private static Figures sealer(Path dir, Sizes sizes, Drives drives, Consumer<String> progress)
            throws IOException, InterruptedException {
        progress.accept("sealing in-process vs FileChannel + force");
        Map<String, Double> seal = new LinkedHashMap<>(SealBenchmark.run(dir.resolve("seal"), drives.small(),
                sizes.sealRepeats(), sizes.sealRounds()));
        progress.accept("sealing " + sizes.heapSealMib() + " MiB in a -Xmx" + sizes.heapMib() + "m child JVM");
        Map<String, Double> heap = new LinkedHashMap<>(SealHeapProbe.runChild(dir.resolve("heap"), sizes.heapMib(),
                sizes.heapSealMib()));
        Figures out = new Figures().section("sealer: SequenceSealer called directly (small frames; 1 MiB frames in a"
                + " small heap)");
        out.put("seal_vs_disk", seal.remove("seal_vs_disk"));
        out.put("seal_heap_mib", heap.remove("seal_heap_mib"));
        return out.putAll(seal).putAll(heap);
    }

    /** The generated drives, made on first use and shared by the workloads that replay them. */
    private static final class Drives {
        private final Path workDir;
        private final Plan plan;
        private final Consumer<String> progress;
        private RigDrive rig;
        private BenchDrive small;

        Drives(Path workDir, Plan plan, Consumer<String> progress) {
            this.workDir = workDir;
            this.plan = plan;
            this.progress = progress;
        }

        Path rigDir() {
            return workDir.resolve("rig-drive");
        }

        RigDrive rig() throws IOException {
            if (rig == null) {
                RigSizes s = plan.rigSizes();
                double longest = Math.max(plan.workloads().contains("rig") ? s.rigSeconds() : 0,
                        Math.max(plan.workloads().contains("seal") ? s.sealSeconds() : 0,
                                plan.workloads().contains("failover") ? s.failoverSeconds() : 0));
                rig = RigDrive.generate(rigDir(), RigDrive.productionRig(s.driveSeconds()), longest, progress);
            }
            return rig;
        }

        BenchDrive small() {
            if (small == null) {
                progress.accept("generating the simulator's default drive");
                small = BenchDrive.generate();
            }
            return small;
        }
    }
}
