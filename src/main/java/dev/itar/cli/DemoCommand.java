package dev.itar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.itar.archive.ArchiveVerifier;
import dev.itar.archive.FileDigests;
import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.kafka.EmbeddedKafkaBroker;
import dev.itar.status.StatusServer;
import dev.itar.sim.SimulationReport;
import dev.itar.sim.SimulatorConfig;
import dev.itar.sim.SimulatorProducer;
import dev.itar.sim.VehicleSimulator;
import dev.itar.zarr.Node;
import dev.itar.zarr.ZarrArchiveReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code demo}: the whole pipeline on one machine with nothing but a JDK. Starts an in-process Kafka broker
 * on free loopback ports, the ingest application against it, sends simulated vehicle recordings, waits for
 * every recording's sealed event, then checks each archive (container verification, every node read back,
 * frame counts against what was sent) and prints a summary. Everything it started is stopped and its
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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FRAME_GROUP = Pattern.compile("(cameras|lidars|radars)/([^/]+)/frames/(\\d+)");

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
                                SortedMap<String, Long> framesPerSensor, int nodes, int arrays, List<String> problems) {
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
                    try (KafkaConsumer<String, byte[]> sealedConsumer = sealedConsumer(config)) {
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
                        sealed = awaitSealed(sealedConsumer, config.sealedTopic(), simulator.recordingIds(), app,
                                progress, Duration.ofSeconds(timeoutSeconds));
                        phases.mark("wait for sealed events");
                    }
                    if (sealed.size() < vehicles) {
                        List<String> missing = new ArrayList<>(simulator.recordingIds());
                        missing.removeAll(sealed.keySet());
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
            for (String id : simulator.recordingIds()) {
                checks.add(check(id, sealed.get(id), simulator.framesPerSensor()));
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
            return failed.isEmpty() ? 0 : 1;
        } finally {
            quiet.restore();
            deleteRecursively(work);
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

    /** Reads the sealed topic from the beginning (it is new: this run's broker), committed events only. */
    private static KafkaConsumer<String, byte[]> sealedConsumer(IngestConfig config) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "itar-demo-sealed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(config.sealedTopic(), Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(p.topic(), p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** Polls the sealed topic until every recording has an event, the ingest client stops, or the deadline. */
    private static Map<String, JsonNode> awaitSealed(KafkaConsumer<String, byte[]> consumer, String topic,
                                                     List<String> ids, IngestApplication app, ProgressLine progress,
                                                     Duration timeout) throws IOException {
        Map<String, JsonNode> sealed = new TreeMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sealed.size() < ids.size() && System.nanoTime() < deadline && app.failure() == null) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (ids.contains(record.key())) {
                    sealed.put(record.key(), JSON.readTree(record.value()));
                }
            }
            progress.update(String.format(Locale.ROOT, "demo: ingested %d records, sealed %d/%d recording(s)",
                    app.metrics().recordsAccepted(), sealed.size(), ids.size()));
        }
        progress.finish(String.format(Locale.ROOT, "demo: ingested %d records, sealed %d/%d recording(s) from %s",
                app.metrics().recordsAccepted(), sealed.size(), ids.size(), topic));
        return sealed;
    }

    /** Container verification, every node read back, frame counts and checksum against the sealed event. */
    private static ArchiveCheck check(String id, JsonNode event, SortedMap<String, Long> expectedFrames) {
        Path archive = Path.of(event.path("archive").asText());
        List<String> problems = new ArrayList<>();
        SortedMap<String, Long> frames = new TreeMap<>();
        long bytes = -1;
        String sha256 = "";
        int nodes = 0;
        int arrays = 0;
        try {
            bytes = Files.size(archive);
            sha256 = FileDigests.sha256(archive);
            if (!sha256.equals(event.path("sha256").asText())) {
                problems.add("sha256 " + sha256 + " differs from the sealed event's " + event.path("sha256").asText());
            }
            if (bytes != event.path("bytes").asLong()) {
                problems.add("size " + bytes + " differs from the sealed event's " + event.path("bytes").asLong());
            }
            problems.addAll(ArchiveVerifier.containerProblems(archive));
            try (ZarrArchiveReader reader = ZarrArchiveReader.open(archive)) {
                for (Node node : reader.nodes().values()) {
                    nodes++;
                    if (node.isArray()) {
                        reader.readArray(node.path()); // decodes every chunk
                        arrays++;
                    }
                    Matcher m = FRAME_GROUP.matcher(node.path());
                    if (!node.isArray() && m.matches()) {
                        frames.merge(m.group(2), 1L, Long::sum);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add("cannot read it back: " + e);
        }
        if (!frames.equals(expectedFrames)) {
            problems.add("frames per sensor " + frames + " differ from the " + expectedFrames + " sent");
        }
        return new ArchiveCheck(id, archive, bytes, sha256, frames, nodes, arrays, problems);
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
            String verify = c.ok() ? "ok (container valid, " + c.nodes() + " nodes / " + c.arrays() + " arrays read)"
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

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a leftover temp dir is not worth failing a successful demo for
            System.err.println("demo: could not delete temporary directory " + dir + ": " + e.getMessage());
        }
    }
}
