package dev.itar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.itar.archive.FileDigests;
import dev.itar.files.FileTrees;
import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.ingest.SealedEventReader;
import dev.itar.kafka.EmbeddedKafkaBroker;
import dev.itar.ncore.SequenceReader;
import dev.itar.status.StatusServer;
import dev.itar.sim.SimulationReport;
import dev.itar.sim.SimulatorConfig;
import dev.itar.sim.SimulatorProducer;
import dev.itar.sim.VehicleSimulator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code demo}: the whole pipeline on one machine with nothing but a JDK. Starts an in-process Kafka broker
 * on free loopback ports, the ingest application against it, sends simulated vehicle recordings, waits for
 * every recording's sealed event ({@link SealedEventReader}, as {@code rebuild} reads them), then checks each
 * archive as {@code verify} does, its frame counts ({@link SequenceReader}) against what was sent and its checksum
 * against the event, and prints a summary. Everything it started is stopped and its
 * temporary directories deleted before it returns; only the archives stay.
 *
 * <p>Recording ids are {@code demo-veh1}, {@code demo-veh2}, ...; the simulator is deterministic, so a
 * re-run with the same options atomically replaces each archive with an identical one.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        header = "Tries the whole pipeline on this machine: embedded Kafka, ingest, a simulated vehicle.",
        description = "Runs the whole pipeline in this process: an embedded Kafka broker, the ingest "
                + "application and the vehicle simulator; waits until every recording is sealed, verifies the "
                + "archives and prints a summary. Needs nothing but a JDK; leaves only the archives behind.",
        sortOptions = false)
public final class DemoCommand implements Callable<Integer> {
    /** Recording ids are {@code demo-veh<i>}. */
    public static final String RECORDING_PREFIX = "demo";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--archive-dir", defaultValue = "./archives", paramLabel = "DIR",
            description = "Where the archives are written (default: ${DEFAULT-VALUE}).")
    Path archiveDir;

    @Option(names = "--duration", defaultValue = "20", paramLabel = "SECONDS",
            description = "Sensor time recorded per vehicle (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--vehicles", defaultValue = "1", description = "Vehicles, one recording each (default: ${DEFAULT-VALUE}).")
    int vehicles;

    @Option(names = "--seed", defaultValue = "1", description = "Simulator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--verbose", description = "Show the broker's and the ingest application's log (warnings and info).")
    boolean verbose;

    @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "Give up if the recordings are not all sealed this long after sending (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    /** What the demo learned about one recording's archive. */
    private record ArchiveCheck(String recordingId, Path archive, long bytes, String sha256,
                                SortedMap<String, Long> framesPerSensor, int nodes, long chunks, List<String> problems) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SimulatorConfig simConfig;
        try {
            simConfig = SimulatorConfig.builder().vehicles(vehicles).durationSeconds(durationSeconds).seed(seed)
                    .recordingPrefix(RECORDING_PREFIX).build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (timeoutSeconds <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be > 0, got " + timeoutSeconds);
        }
        long startNanos = System.nanoTime();
        Phases phases = new Phases(startNanos);
        VehicleSimulator simulator = new VehicleSimulator(simConfig);
        ProgressLine progress = ProgressLine.forConsole(err);
        Path work = Files.createTempDirectory("itar-demo-");
        QuietLogs quiet = verbose ? QuietLogs.NONE : QuietLogs.apply();
        try {
            progress.finish("demo: starting an embedded Kafka broker and the ingest application ...");
            Map<String, JsonNode> sealed;
            SimulationReport sent;
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
                IngestConfig config = ingestConfig(broker.bootstrapServers(), work.resolve("state"));
                try (IngestApplication app = new IngestApplication(config);
                     // any free port: a demo must not collide with a running instance on 8080
                     StatusServer status = StatusServer.start(app, config.httpHost(), 0, java.time.Clock.systemUTC())) {
                    progress.finish("demo: status on " + status.uri() + "health, " + status.uri() + "recordings, "
                            + status.uri() + "metrics");
                    app.start();
                    boolean running = app.awaitRunning(Duration.ofSeconds(120));
                    phases.mark("start broker and ingest");
                    if (!running) {
                        err.println("demo: the ingest application did not start (state " + app.state() + ")"
                                + (app.failure() != null ? ": " + app.failure() : ""));
                        return 1;
                    }
                    try (SealedEventReader sealedEvents = new SealedEventReader(config)) {
                        long expected = simulator.recordsPerRecording() * vehicles;
                        try (SimulatorProducer producer = new SimulatorProducer(broker.bootstrapServers(),
                                config.framesTopic(), config.maxMessageBytes(), Map.of())) {
                            sent = producer.send(simulator, false, (records, bytes) -> progress.update(String.format(
                                    Locale.ROOT, "demo: sent %d/%d records (%.1f MB), ingested %d",
                                    records, expected, bytes / 1e6, app.metrics().recordsAccepted())));
                        }
                        phases.mark("simulate and send");
                        progress.finish(String.format(Locale.ROOT, "demo: sent %d records (%.1f MB) for %d recording(s)",
                                sent.records(), sent.bytes() / 1e6, vehicles));
                        sealed = awaitSealed(sealedEvents, config.sealedTopic(), simulator.recordingIds(), app,
                                progress, Duration.ofSeconds(timeoutSeconds));
                        phases.mark("wait for sealed events");
                    }
                    java.util.Set<String> complete = new java.util.TreeSet<>();
                    sealed.values().stream().filter(e -> e.path("recording_complete").asBoolean(false))
                            .forEach(e -> complete.add(e.path("recording_id").asText()));
                    if (complete.size() < vehicles) {
                        List<String> missing = new ArrayList<>(simulator.recordingIds());
                        missing.removeAll(complete);
                        err.println("demo: FAILED: no sealed event for " + missing + " within " + timeoutSeconds
                                + " s (ingest state " + app.state() + (app.failure() != null ? ", failure: "
                                + app.failure() : "") + ", dead letters " + app.metrics().deadLetters() + ")");
                        return 1;
                    }
                }
            }
            phases.mark("stop ingest and broker");
            progress.finish("demo: all recordings sealed; pipeline stopped; checking the archives ...");
            List<ArchiveCheck> checks = new ArrayList<>();
            for (JsonNode event : sealed.values()) {
                checks.add(check(event));
            }
            List<String> wrongTotals = new ArrayList<>();
            for (String id : simulator.recordingIds()) {
                // a recording cut into segments: its frames are those of all its archives
                SortedMap<String, Long> frames = new TreeMap<>();
                checks.stream().filter(c -> c.recordingId().equals(id))
                        .forEach(c -> c.framesPerSensor().forEach((k, v) -> frames.merge(k, v, Long::sum)));
                if (!frames.equals(simulator.framesPerSensor())) {
                    wrongTotals.add(id + ": frames per sensor " + frames + " differ from the "
                            + simulator.framesPerSensor() + " sent");
                }
            }
            phases.mark("verify and read back");
            printSummary(out, simConfig, sent, checks, (System.nanoTime() - startNanos) / 1e9);
            out.println("wall time: " + phases);
            out.flush();
            List<ArchiveCheck> failed = checks.stream().filter(c -> !c.ok()).toList();
            for (ArchiveCheck check : failed) {
                err.println("demo: FAILED: " + check.recordingId() + " (" + check.archive() + "): "
                        + String.join("; ", check.problems()));
            }
            wrongTotals.forEach(w -> err.println("demo: FAILED: " + w));
            return failed.isEmpty() && wrongTotals.isEmpty() ? 0 : 1;
        } finally {
            quiet.restore();
            try {
                FileTrees.deleteRecursively(work);
            } catch (IOException e) {
                // best effort: a leftover temp dir is not worth failing a successful demo for
                err.println("demo: could not delete temporary directory " + work + ": " + e.getMessage());
            }
        }
    }

    /** Built in code: the broker just started, state in a temp dir, a fresh application id so re-runs start clean. */
    private IngestConfig ingestConfig(String bootstrapServers, Path stateDir) {
        Map<String, String> overrides = new TreeMap<>();
        overrides.put(IngestConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        overrides.put(IngestConfig.APPLICATION_ID, "itar-demo-" + UUID.randomUUID());
        overrides.put(IngestConfig.STATE_DIR, stateDir.toString());
        overrides.put(IngestConfig.ARCHIVE_DIR, archiveDir.toString());
        overrides.put(IngestConfig.TOPIC_PARTITIONS, "2");
        overrides.put(IngestConfig.TOPIC_REPLICATION_FACTOR, "1");
        // every simulated recording ends with an `end` record; the idle timeout is only a backstop
        overrides.put(IngestConfig.RECORDING_IDLE_TIMEOUT_MS, "10000");
        overrides.put(IngestConfig.RECORDING_IDLE_CHECK_INTERVAL_MS, "1000");
        return IngestConfig.of(overrides);
    }

    /**
     * Polls the sealed topic until every recording's last archive is sealed, the ingest client stops, or the
     * deadline; returns the events of their archives, by archive file name.
     */
    private static Map<String, JsonNode> awaitSealed(SealedEventReader reader, String topic, List<String> ids,
                                                     IngestApplication app, ProgressLine progress, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reader.completeRecordings().containsAll(ids) && System.nanoTime() < deadline && app.failure() == null) {
            reader.poll(Duration.ofMillis(200));
            progress.update(String.format(Locale.ROOT, "demo: ingested %d records, sealed %d/%d recording(s)",
                    app.metrics().recordsAccepted(), reader.completeRecordings().size(), ids.size()));
        }
        progress.finish(String.format(Locale.ROOT, "demo: ingested %d records, sealed %d/%d recording(s) from %s",
                app.metrics().recordsAccepted(), reader.completeRecordings().size(), ids.size(), topic));
        Map<String, JsonNode> sealed = new TreeMap<>();
        reader.events().forEach((archive, event) -> {
            if (ids.contains(event.path("recording_id").asText())) {
                sealed.put(archive, event);
            }
        });
        return sealed;
    }

    /** The archive against its sealed event (size, sha256), as {@code verify} checks it, and its frames. */
    private static ArchiveCheck check(JsonNode event) {
        String id = event.path("recording_id").asText();
        Path archive = Path.of(event.path("archive").asText());
        List<String> problems = new ArrayList<>();
        SortedMap<String, Long> frames = new TreeMap<>();
        long bytes = -1;
        String sha256 = "";
        VerifyCommand.Verification verification = VerifyCommand.verify(archive);
        problems.addAll(verification.problems());
        try {
            bytes = Files.size(archive);
            sha256 = FileDigests.sha256(archive);
            if (!sha256.equals(event.path("sha256").asText())) {
                problems.add("sha256 " + sha256 + " differs from the sealed event's " + event.path("sha256").asText());
            }
            if (bytes != event.path("bytes").asLong()) {
                problems.add("size " + bytes + " differs from the sealed event's " + event.path("bytes").asLong());
            }
            if (verification.valid()) {
                try (SequenceReader reader = SequenceReader.open(archive)) {
                    for (String sensor : reader.sensors()) { // "<component>/<sensor>", as the simulator names sensors
                        frames.put(sensor.substring(sensor.indexOf('/') + 1), (long) reader.frameTimestamps(sensor).size());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add("cannot read it back: " + e);
        }
        return new ArchiveCheck(id, archive, bytes, sha256, frames, verification.nodes(), verification.chunks(),
                problems);
    }

    /** Wall time per phase, for the summary (so a slow demo says where the time went). */
    private static final class Phases {
        private final StringBuilder text = new StringBuilder();
        private long lastNanos;

        Phases(long startNanos) {
            lastNanos = startNanos;
        }

        void mark(String phase) {
            long now = System.nanoTime();
            text.append(text.length() == 0 ? "" : ", ").append(phase)
                    .append(String.format(Locale.ROOT, " %.1f s", (now - lastNanos) / 1e9));
            lastNanos = now;
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    private void printSummary(PrintWriter out, SimulatorConfig config, SimulationReport sent,
                              List<ArchiveCheck> checks, double seconds) {
        out.println();
        out.printf(Locale.ROOT, "itar-ingest demo: %d recording(s) of %.1f s sensor time (seed %d), %d records"
                        + " (%.1f MB) through Kafka into %s in %.1f s%n%n", config.vehicles(), config.durationUs() / 1e6,
                config.seed(), sent.records(), sent.bytes() / 1e6, archiveDir.toAbsolutePath().normalize(), seconds);
        String header = String.format(Locale.ROOT, "%-12s %-52s %12s  %-16s  %s", "recording", "frames per sensor",
                "bytes", "sha256", "verify");
        out.println(header);
        out.println("-".repeat(header.length() + 10));
        for (ArchiveCheck c : checks) {
            StringBuilder frames = new StringBuilder();
            c.framesPerSensor().forEach((sensor, n) -> frames.append(frames.length() == 0 ? "" : " ")
                    .append(sensor).append('=').append(n));
            String verify = c.ok() ? "ok (container valid, " + c.nodes() + " nodes, " + c.chunks() + " chunks decoded)"
                    : "FAILED";
            out.printf(Locale.ROOT, "%-12s %-52s %12d  %-16s  %s%n", c.recordingId(), frames, c.bytes(),
                    c.sha256().isEmpty() ? "-" : c.sha256().substring(0, 16), verify);
        }
        out.println();
        for (ArchiveCheck c : checks) {
            out.println(c.archive() + "  sha256 " + c.sha256());
        }
        out.flush();
    }
}
