package dev.itar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.itar.ingest.IngestConfig;
import dev.itar.ingest.OpenRecordings.OpenRecording;
import dev.itar.rebuild.Rebuild;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code rebuild --config FILE --archive-dir DIR}: replays the frames topic through the ingest topology under a
 * separate application id into a separate archive directory, stops once everything that was in the topic at the
 * start is consumed, and prints what it rebuilt and which recordings are still open.
 */
@Command(name = "rebuild", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Rebuilds archives from the frames topic into another directory (replay).",
        description = "Rebuilds archives from the frames topic: runs the ingest topology with a fresh "
                + "application id (default <application.id>-rebuild-<12 hex of sha256(absolute DIR)>: the "
                + "same DIR resumes an interrupted rebuild) from the earliest offsets into DIR, until the "
                + "topic's end offsets at start are consumed; then prints every archive (sha256) and the "
                + "recordings still open (no end, not idle). Sealed events and dead letters go to "
                + "<id>-sealed / <id>-dlq, not to the live topics. Needs the frames topic's full history "
                + "(retention.ms=-1 and retention.bytes=-1, or tiered storage; never compacted).")
public final class RebuildCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "the live pipeline's properties file (topics, Kafka settings); ITAR_* variables apply")
    Path configFile;

    @Option(names = "--archive-dir", required = true, paramLabel = "DIR",
            description = "where the rebuilt archives go (must not be the live archive.dir)")
    Path archiveDir;

    @Option(names = "--application-id", paramLabel = "ID",
            description = "Kafka Streams application id of the rebuild (default: derived from DIR, see above)")
    String applicationId;

    @Option(names = "--from-beginning",
            description = "discard an earlier rebuild with this application id (consumer group, its internal and "
                    + "output topics, local state) and start over")
    boolean fromBeginning;

    @Option(names = "--timeout", defaultValue = "86400", paramLabel = "SECONDS",
            description = "give up after this long (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    private final Map<String, String> env;

    public RebuildCommand() {
        this(System.getenv());
    }

    RebuildCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        IngestConfig config;
        try {
            config = Rebuild.config(IngestConfig.load(configFile, env), archiveDir, applicationId);
        } catch (IllegalArgumentException e) { // IngestConfigException included
            err.println("rebuild: " + e.getMessage());
            return 2;
        }
        Rebuild.Result result;
        try {
            result = Rebuild.run(config, fromBeginning, Duration.ofSeconds(timeoutSeconds), line -> {
                err.println(line);
                err.flush();
            });
        } catch (IllegalStateException e) {
            err.println("rebuild: FAILED: " + e.getMessage());
            return 1;
        }
        out.printf(Locale.ROOT, "rebuild %s: consumed %s up to offsets %s in %.1f s%n", result.applicationId(),
                config.framesTopic(), result.endOffsets(), result.millis() / 1e3);
        out.printf(Locale.ROOT, "%d archive(s) in %s:%n", result.sealed().size(),
                result.archiveDir().toAbsolutePath().normalize());
        for (Map.Entry<String, JsonNode> e : result.sealed().entrySet()) {
            JsonNode s = e.getValue();
            out.printf(Locale.ROOT, "  %-32s %-16s %12d bytes  sha256 %s  %s%n", e.getKey(), s.path("trigger").asText(),
                    s.path("bytes").asLong(), s.path("sha256").asText(), s.path("archive").asText());
        }
        out.printf(Locale.ROOT, "%d recording(s) still open (no end record, not idle by record time):%n",
                result.open().size());
        for (OpenRecording r : result.open()) {
            out.printf(Locale.ROOT, "  %-32s frames %s, last record timestamp %d ms%n", r.recordingId(),
                    r.framesPerSensor(), r.lastTimestampMs());
        }
        out.flush();
        return 0;
    }
}
