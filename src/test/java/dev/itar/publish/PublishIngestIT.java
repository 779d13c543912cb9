package dev.itar.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.itar.Fixtures;
import dev.itar.archive.ArchiveVerifier;
import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.kafka.KafkaBrokerExtension;
import dev.itar.zarr.ArchiveSummary;
import dev.itar.zarr.PyJson;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** publish an ncore-written archive into a real broker, ingest it, and compare the sealed archive's content. */
class PublishIngestIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final Path DRIVE_A = Fixtures.DRIVE_A;
    static final Path DRIVE_A_SUMMARY = Fixtures.DRIVE_A_SUMMARY;
    static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void publishedFixtureIsIngestedIntoAnArchiveWithTheSameContent() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        IngestConfig config = IngestConfig.of(Map.of(
                IngestConfig.BOOTSTRAP_SERVERS, bootstrap,
                IngestConfig.APPLICATION_ID, "publish-it",
                IngestConfig.TOPIC_FRAMES, "publish-frames",
                IngestConfig.TOPIC_DEAD_LETTERS, "publish-dlq",
                IngestConfig.TOPIC_SEALED, "publish-sealed",
                IngestConfig.TOPIC_PARTITIONS, "2",
                IngestConfig.TOPIC_REPLICATION_FACTOR, "1",
                IngestConfig.ARCHIVE_DIR, tmp.resolve("archives").toString(),
                IngestConfig.STATE_DIR, tmp.resolve("state").toString(),
                "commit.interval.ms", "100"));

        ArchivePublisher.Report report;
        JsonNode event;
        try (IngestApplication app = new IngestApplication(config)) {
            app.start();
            assertThat(app.awaitRunning(WAIT)).as("ingest running").isTrue();
            try (KafkaProducer<byte[], byte[]> producer = ArchivePublisher.producer(bootstrap, 16 << 20, Map.of())) {
                report = new ArchivePublisher(producer, config.framesTopic()).publish(DRIVE_A, null);
            }
            event = awaitSealedEvent(bootstrap, config.sealedTopic(), "drive-a");
            assertThat(app.metrics().deadLetters()).as("dead letters").isZero();
        }

        // 1 start + 1 intrinsics + 2 static poses + 5 dynamic poses + 3 sensors x 4 frames + 1 end
        assertThat(report.recordingId()).isEqualTo("drive-a");
        assertThat(report.sequenceId()).isEqualTo("seq-drive-a");
        assertThat(report.recordsByType()).containsExactlyInAnyOrderEntriesOf(Map.of("start", 1L, "intrinsics", 1L,
                "static_pose", 2L, "pose", 5L, "camera", 4L, "lidar", 4L, "radar", 4L, "end", 1L));
        assertThat(report.records()).isEqualTo(22);
        assertThat(event.get("trigger").asText()).isEqualTo("end");

        Path sealed = Path.of(event.get("archive").asText());
        assertThat(sealed.getFileName().toString()).isEqualTo("drive-a.ncore4.zarr.itar");
        assertThat(ArchiveVerifier.containerProblems(sealed)).isEmpty();

        Map<String, Object> expected = PyJson.parseObject(Files.readAllBytes(DRIVE_A_SUMMARY));
        Map<String, Object> actual = PyJson.parseObject(ArchiveSummary.toJson(ArchiveSummary.of(sealed)));
        Map<String, Map<String, Object>> expectedNodes =
                deepCopy((Map<String, Map<String, Object>>) expected.get("summary"));
        Map<String, Map<String, Object>> actualNodes = (Map<String, Map<String, Object>>) actual.get("summary");

        // What the wire format cannot carry (ArchiveFrames#losses), so cannot come back; everything else must:
        // 1. component instance generic_meta_data: the wire format has per-sequence and per-frame meta, no
        //    per-sensor meta, so ingest writes {} there.
        attributes(expectedNodes, "cameras/camera_front_wide").put("generic_meta_data", Map.of());
        attributes(expectedNodes, "lidars/lidar_top").put("generic_meta_data", Map.of());
        // 2. a float32 static pose: wire static poses are float64 (the values, an identity matrix, are exact).
        Map<String, Object> camPose = (Map<String, Object>) attributes(expectedNodes, "poses/default/static_poses")
                .get("('camera_front_wide', 'rig')");
        assertThat(camPose.get("dtype")).isEqualTo("float32");
        camPose.put("dtype", "float64");
        assertThat(report.losses()).hasSize(3)
                .anySatisfy(l -> assertThat(l).contains("cameras/camera_front_wide").contains("fps"))
                .anySatisfy(l -> assertThat(l).contains("lidars/lidar_top").contains("spinning"))
                .anySatisfy(l -> assertThat(l).contains("camera_front_wide, rig").contains("float32"));

        assertThat(actual.get("nodes")).isEqualTo(expected.get("nodes"));
        assertThat(actual.get("zarr_format")).isEqualTo(3); // ncore's fixture is zarr v2; ingest writes v3
        assertThat(actualNodes.keySet()).containsExactlyElementsOf(expectedNodes.keySet());
        for (String path : expectedNodes.keySet()) {
            assertThat(actualNodes.get(path)).as("node '%s'", path).isEqualTo(expectedNodes.get(path));
        }
        assertThat(actualNodes).isEqualTo(expectedNodes);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> attributes(Map<String, Map<String, Object>> nodes, String path) {
        return (Map<String, Object>) nodes.get(path).get("attributes");
    }

    /** Mutable copy (maps and lists) of a parsed JSON tree, so expected values can be adjusted. */
    @SuppressWarnings("unchecked")
    private static <T> T deepCopy(T v) {
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, deepCopy(x)));
            return (T) out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(deepCopy(x)));
            return (T) out;
        }
        return v;
    }

    private static JsonNode awaitSealedEvent(String bootstrap, String topic, String id) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "publish-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, JsonNode> events = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!events.containsKey(id) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    events.put(r.key(), json.readTree(r.value()));
                }
            }
        }
        assertThat(events).as("sealed events on %s", topic).containsKey(id);
        return events.get(id);
    }
}
