package dev.itar.cli;

import dev.itar.bench.IngestBenchmark;
import dev.itar.bench.IngestBenchmark.RigSizes;
import dev.itar.bench.IngestorCommand;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * {@code itar-ingest bench [--quick] [--only WORKLOAD] [--work-dir DIR] [sizes]}: measures the pipeline against
 * ceilings measured in the same run on an embedded broker it starts itself; prints each workload's figures on stdout
 * as {@code name value} lines, after a {@code # workload} line, as soon as it is measured (progress on stderr).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measures the application on an embedded Kafka broker, each figure beside the ceiling or context"
                + " it is judged by (a plain KafkaConsumer on the same topic, FileChannel + force, seconds, bytes)."
                + " Workloads: rig (production-rig vehicles through `run` in a child JVM), seal (seal latency and the"
                + " stall of another recording), seal-heap (heap while sealing many nodes), small (the simulator's"
                + " small frames), sealer (SequenceSealer alone), archive (the container alone); ingest = small"
                + " without the rebuild. Prints '# workload' and then 'name value' lines.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "smaller sizes (a few minutes on 2 cores)")
    boolean quick;

    @Option(names = "--only", paramLabel = "WORKLOAD", split = ",",
            description = "only these workloads (comma-separated): rig, seal, seal-heap, failover, small, sealer,"
                    + " archive, ingest")
    List<String> only;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "with --only: an application setting on top of the defaults, for the workloads that run the"
                    + " application (what-if runs; repeatable)")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "where brokers, state, archives and logs go, kept afterwards (default: a temporary"
                    + " directory, each workload's part deleted once it is measured)")
    Path workDir;

    @Option(names = "--rig-vehicles", paramLabel = "N", description = "rig: recordings ingested at once (default 2)")
    Integer rigVehicles;

    @Option(names = "--rig-seconds", paramLabel = "S",
            description = "rig: sensor seconds per recording (default 4, without --quick 12)")
    Double rigSeconds;

    @Option(names = "--seal-seconds", paramLabel = "S",
            description = "seal: sensor seconds of the large recording, its small one a quarter (default 4, without"
                    + " --quick 21: ~2 GB of records)")
    Double sealSeconds;

    @Option(names = "--seal-nodes", paramLabel = "N", description = "seal-heap: zarr nodes to seal (default 300000)")
    Integer sealNodes;

    @Option(names = "--seal-heap", paramLabel = "MIB",
            description = "seal-heap: -Xmx of the sealing child (default 256)")
    Integer sealHeap;

    @Option(names = "--failover-seconds", paramLabel = "S",
            description = "failover: sensor seconds of the recording open at the SIGKILL (default 1, without --quick"
                    + " 11: ~1 GB of records)")
    Double failoverSeconds;

    @Option(names = "--ingestor-heap", paramLabel = "MIB",
            description = "-Xmx of the other child ingestors (default 1024)")
    Integer ingestorHeap;

    @Option(names = "--ingestor-jvm-option", paramLabel = "OPTION",
            description = "a JVM option for every child ingestor (repeatable), e.g. a profiler: "
                    + "-XX:StartFlightRecording=filename=rig-%%p.jfr,settings=profile")
    List<String> ingestorJvmOptions = new ArrayList<>();

    @Option(names = "--drive-seconds", paramLabel = "S",
            description = "sensor seconds of production-rig drive to generate; longer recordings repeat it in time"
                    + " (default 2, without --quick 3)")
    Double driveSeconds;

    @Override
    public Integer call() throws IOException {
        List<String> workloads = only == null ? IngestBenchmark.WORKLOADS : List.copyOf(only);
        if (!settings.isEmpty() && only == null) {
            throw new ParameterException(new CommandLine(this),
                    "--set needs --only (the full benchmark always measures the defaults)");
        }
        if (!settings.isEmpty() && workloads.stream().noneMatch(IngestBenchmark.CONFIGURABLE::contains)) {
            throw new ParameterException(new CommandLine(this), "--set applies to the workloads that run the"
                    + " application (" + String.join(", ", IngestBenchmark.CONFIGURABLE) + "), not to " + workloads);
        }
        IngestBenchmark.Plan plan;
        try {
            plan = new IngestBenchmark.Plan(workloads,
                    quick ? IngestBenchmark.Sizes.QUICK : IngestBenchmark.Sizes.FULL, rigSizes(), settings,
                    new IngestorCommand(ingestorJvmOptions, List.of(Main.class.getName(), "run")), workDir != null);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(new CommandLine(this), "--only: " + e.getMessage(), e);
        }
        Path dir = workDir != null ? workDir : Files.createTempDirectory("itar-bench-");
        QuietLogs quiet = QuietLogs.apply();
        long t0 = System.nanoTime();
        try {
            Consumer<String> progress =
                    msg -> System.err.printf(Locale.ROOT, "[bench %5.1fs] %s%n", (System.nanoTime() - t0) / 1e9, msg);
            boolean ok = IngestBenchmark.run(dir, plan, progress, figures -> {
                figures.lines().forEach(System.out::println);
                System.out.flush();
            });
            progress.accept("done");
            return ok ? 0 : 1;
        } finally {
            quiet.restore();
        }
    }

    private RigSizes rigSizes() {
        RigSizes d = quick ? RigSizes.QUICK : RigSizes.FULL;
        RigSizes s = new RigSizes(orElse(driveSeconds, d.driveSeconds()), orElse(rigVehicles, d.rigVehicles()),
                orElse(rigSeconds, d.rigSeconds()), orElse(sealSeconds, d.sealSeconds()),
                orElse(sealNodes, d.sealNodes()), orElse(sealHeap, d.sealHeapMib()),
                orElse(failoverSeconds, d.failoverSeconds()), orElse(ingestorHeap, d.ingestorHeapMib()));
        List<String> bad = new ArrayList<>();
        if (!(s.driveSeconds() > 0)) {
            bad.add("--drive-seconds must be > 0");
        }
        if (s.rigVehicles() < 1) {
            bad.add("--rig-vehicles must be at least 1");
        }
        if (!(s.rigSeconds() > 0) || !(s.sealSeconds() > 0) || !(s.failoverSeconds() > 0)) {
            bad.add("--rig-seconds, --seal-seconds and --failover-seconds must be > 0");
        }
        if (s.sealNodes() < 1 || s.sealHeapMib() < 16 || s.ingestorHeapMib() < 16) {
            bad.add("--seal-nodes must be positive, --seal-heap and --ingestor-heap at least 16 MiB");
        }
        if (!bad.isEmpty()) {
            throw new ParameterException(new CommandLine(this), String.join("; ", bad));
        }
        return s;
    }

    private static <T> T orElse(T v, T otherwise) {
        return v != null ? v : otherwise;
    }
}
