package dev.itar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.itar.archive.ArchiveVerifier;
import dev.itar.frames.CameraFrame;
import dev.itar.frames.CameraMasksFrame;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.kafka.KafkaBrokerExtension;
import dev.itar.ncore.SequenceReader;
import dev.itar.sim.SimRecord;
import dev.itar.sim.VehicleSimulator;
import dev.itar.zarr.ZarrArchiveReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `simulate` against a real broker with the ingest application running: every camera image lands byte-for-byte, and
 * every camera mask and cuboid observation it sends is in the archive.
 */
class SimulateIngestIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void simulatedRecordingsAreSealedVerifiedAndHoldEveryCameraImage(@TempDir Path dir) throws Exception {
        Path archives = dir.resolve("archives");
        IngestConfig config = IngestConfig.of(Map.of(
                IngestConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers(),
                IngestConfig.APPLICATION_ID, "simulate-ingest-it",
                IngestConfig.STATE_DIR, dir.resolve("state").toString(),
                IngestConfig.ARCHIVE_DIR, archives.toString(),
                IngestConfig.TOPIC_PARTITIONS, "2",
                IngestConfig.TOPIC_REPLICATION_FACTOR, "1"));
        String[] args = {"simulate", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", config.framesTopic(),
                "--vehicles", "2", "--duration", "2", "--lidar-rays", "512", "--seed", "9", "--recording-prefix", "it"};

        try (IngestApplication app = new IngestApplication(config)) {
            app.start();
            assertThat(app.awaitRunning(Duration.ofSeconds(120))).as("ingest running").isTrue();

            CommandLine cl = Main.commandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            assertThat(code).as("simulate stderr:%n%s", err).isZero();
            assertThat(out.toString()).contains("for 2 recording(s) to topic vehicle-frames")
                    .contains("it-veh1, it-veh2");

            Map<String, JsonNode> sealed = awaitSealed(config, List.of("it-veh1", "it-veh2"), Duration.ofSeconds(180));
            assertThat(sealed).containsOnlyKeys("it-veh1", "it-veh2");
            assertThat(app.metrics().deadLetters()).isZero();
        }

        // the same options give the same simulator, so we know exactly what was sent
        SimulateCommand options = new SimulateCommand();
        new CommandLine(options).parseArgs(java.util.Arrays.copyOfRange(args, 1, args.length));
        VehicleSimulator simulator = new VehicleSimulator(options.config());
        Map<String, Integer> imagesChecked = new TreeMap<>();
        for (String id : simulator.recordingIds()) {
            Path archive = archives.resolve(id + ".ncore4.zarr.itar");
            assertThat(ArchiveVerifier.containerProblems(archive)).isEmpty();
        }
        // simulate sends wire format 1.1's labels by default, and ingest stores every one of them
        Map<String, List<Object>> labelsSent = new TreeMap<>();
        for (var it = simulator.records(); it.hasNext(); ) {
            SimRecord record = it.next();
            if (record.frame() instanceof CameraMasksFrame || record.frame() instanceof CuboidObservationFrame) {
                labelsSent.computeIfAbsent(record.recordingId(), k -> new java.util.ArrayList<>()).add(record.frame());
            }
        }
        assertThat(labelsSent).containsOnlyKeys("it-veh1", "it-veh2");
        for (String id : simulator.recordingIds()) {
            try (SequenceReader reader = SequenceReader.open(archives.resolve(id + ".ncore4.zarr.itar"))) {
                List<Object> stored = new java.util.ArrayList<>(reader.cameraMasks());
                stored.addAll(reader.cuboidObservations());
                assertThat(stored).as("masks and cuboid observations of %s", id)
                        .containsExactlyInAnyOrderElementsOf(labelsSent.get(id));
            }
        }
        Map<String, ZarrArchiveReader> readers = new TreeMap<>();
        try {
            for (String id : simulator.recordingIds()) {
                readers.put(id, ZarrArchiveReader.open(archives.resolve(id + ".ncore4.zarr.itar")));
            }
            for (var it = simulator.records(); it.hasNext(); ) {
                SimRecord record = it.next();
                if (record.frame() instanceof CameraFrame camera) {
                    String path = "cameras/" + camera.sensor() + "/frames/" + camera.t1() + "/image";
                    byte[] stored = readers.get(record.recordingId()).readArray(path).bytes();
                    assertThat(stored).as("%s %s", record.recordingId(), path).isEqualTo(camera.image());
                    imagesChecked.merge(record.recordingId(), 1, Integer::sum);
                }
            }
        } finally {
            for (ZarrArchiveReader reader : readers.values()) {
                reader.close();
            }
        }
        assertThat(imagesChecked).containsEntry("it-veh1", 40).containsEntry("it-veh2", 40);
    }

    private static Map<String, JsonNode> awaitSealed(IngestConfig config, List<String> ids, Duration timeout)
            throws Exception {
        Map<String, JsonNode> sealed = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(config.sealedTopic(), Duration.ofSeconds(30))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (sealed.size() < ids.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    sealed.put(record.key(), JSON.readTree(record.value()));
                }
            }
        }
        return sealed;
    }
}
