package dev.itar.cli;

import dev.itar.bench.IngestBenchmark;
import dev.itar.files.FileTrees;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * {@code itar-ingest bench [--quick] [--work-dir DIR]}: measures the pipeline against ceilings measured in the same
 * run on an embedded broker it starts itself; prints one {@code name value} line per figure on stdout (progress
 * on stderr).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures ingest, sealing, rebuild and archive figures, each as a ratio to a ceiling "
                + "measured in the same run (plain KafkaConsumer, FileChannel + force), on an embedded "
                + "Kafka broker. Prints one 'name value' line per figure; raw MB/s lines follow the ratios.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "smaller sizes (about 2 minutes on 2 cores)")
    boolean quick;

    @Option(names = "--only", paramLabel = "PART",
            description = "'ingest': only the live pipeline (produce, consumer ceiling, ingest, seal), for quick "
                    + "iterations on ingest speed")
    String only;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "with --only ingest: an ingest setting on top of the defaults (what-if runs; repeatable)")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "where the broker, state and archives go (default: a temporary directory, deleted after)")
    Path workDir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (only != null && !only.equals("ingest")) {
            throw new ParameterException(new CommandLine(this),
                    "--only: unknown part '" + only + "'; the only part is 'ingest'");
        }
        if (!settings.isEmpty() && only == null) {
            throw new ParameterException(new CommandLine(this),
                    "--set needs --only ingest (the full benchmark always measures the defaults)");
        }
        boolean temporary = workDir == null;
        Path dir = temporary ? Files.createTempDirectory("itar-bench-") : workDir;
        QuietLogs quiet = QuietLogs.apply();
        long t0 = System.nanoTime();
        try {
            Consumer<String> progress =
                    msg -> System.err.printf(Locale.ROOT, "[bench %5.1fs] %s%n", (System.nanoTime() - t0) / 1e9, msg);
            Map<String, Double> figures = only != null
                    ? IngestBenchmark.runIngest(dir, quick, settings, progress)
                    : IngestBenchmark.run(dir, quick, progress);
            figures.forEach((k, v) -> System.out.println(k + " " + format(v)));
            System.out.flush();
            return 0;
        } finally {
            quiet.restore();
            if (temporary) {
                FileTrees.deleteRecursively(dir);
            }
        }
    }

    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.3f", v);
    }
}
