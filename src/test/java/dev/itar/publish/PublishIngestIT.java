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

    private IngestConfig config(String bootstrap, String name) {
        return IngestConfig.of(Map.of(
                IngestConfig.BOOTSTRAP_SERVERS, bootstrap,
                IngestConfig.APPLICATION_ID, name,
                IngestConfig.TOPIC_FRAMES, name + "-frames",
                IngestConfig.TOPIC_DEAD_LETTERS, name + "-dlq",
                IngestConfig.TOPIC_SEALED, name + "-sealed",
                IngestConfig.TOPIC_PARTITIONS, "2",
                IngestConfig.ARCHIVE_DIR, tmp.resolve(name).resolve("archives").toString(),
                IngestConfig.STATE_DIR, tmp.resolve(name).resolve("state").toString(),
                "commit.interval.ms", "100"));
    }

    /** Publishes {@code source} (an archive or a sequence meta file), ingests it, returns the sealed archive. */
    private Path publishAndIngest(Path source, String name, String id, long expectedDeadLetters) throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        IngestConfig config = config(bootstrap, name);
        try (IngestApplication app = new IngestApplication(config)) {
            app.start();
            assertThat(app.awaitRunning(WAIT)).as("ingest running").isTrue();
            ArchivePublisher.Report report;
            try (KafkaProducer<byte[], byte[]> producer = ArchivePublisher.producer(bootstrap, 16 << 20, Map.of())) {
                report = new ArchivePublisher(producer, config.framesTopic()).publish(source, id);
            }
            lastReport = report;
            JsonNode event = awaitSealedEvent(bootstrap, config.sealedTopic(), id);
            assertThat(event.get("trigger").asText()).isEqualTo("end");
            assertThat(app.metrics().deadLetters()).as("dead letters").isEqualTo(expectedDeadLetters);
            Path sealed = Path.of(event.get("archive").asText());
            assertThat(ArchiveVerifier.containerProblems(sealed)).isEmpty();
            return sealed;
        }
    }

    private ArchivePublisher.Report lastReport;

    /** ncore's reference archive comes back node for node, its sensors' generic_meta_data included. */
    @Test
    @SuppressWarnings("unchecked")
    void publishedFixtureIsIngestedIntoAnArchiveWithTheSameContent() throws Exception {
        Path sealed = publishAndIngest(DRIVE_A, "publish-it", "drive-a", 0);
        ArchivePublisher.Report report = lastReport;
        // 1 start + 1 intrinsics + 2 static poses + 2 component meta + 5 dynamic poses + 3 sensors x 4 frames + 1 end
        assertThat(report.recordingId()).isEqualTo("drive-a");
        assertThat(report.sequenceId()).isEqualTo("seq-drive-a");
        assertThat(report.recordsByType()).containsExactlyInAnyOrderEntriesOf(Map.of("start", 1L, "intrinsics", 1L,
                "static_pose", 2L, "component_meta", 2L, "pose", 5L, "camera", 4L, "lidar", 4L, "radar", 4L,
                "end", 1L));
        assertThat(report.records()).isEqualTo(24);
        assertThat(report.skipped()).isEmpty();
        assertThat(sealed.getFileName().toString()).isEqualTo("drive-a.ncore4.zarr.itar");

        Map<String, Object> expected = PyJson.parseObject(Files.readAllBytes(DRIVE_A_SUMMARY));
        Map<String, Object> actual = PyJson.parseObject(ArchiveSummary.toJson(ArchiveSummary.of(sealed)));
        Map<String, Map<String, Object>> expectedNodes = (Map<String, Map<String, Object>>) expected.get("summary");
        Map<String, Map<String, Object>> actualNodes = (Map<String, Map<String, Object>>) actual.get("summary");
        assertThat(attributes(actualNodes, "cameras/camera_front_wide").get("generic_meta_data").toString())
                .contains("fps");
        // the float32 static pose is carried (wire format 1.1)
        Map<String, Object> camPose = (Map<String, Object>) attributes(actualNodes, "poses/default/static_poses")
                .get("('camera_front_wide', 'rig')");
        assertThat(camPose.get("dtype")).isEqualTo("float32");

        assertThat(actual.get("nodes")).isEqualTo(expected.get("nodes"));
        assertThat(actual.get("zarr_format")).isEqualTo(3); // ncore's fixture is zarr v2; ingest writes v3
        assertThat(actualNodes.keySet()).containsExactlyElementsOf(expectedNodes.keySet());
        for (String path : expectedNodes.keySet()) {
            assertThat(actualNodes.get(path)).as("node '%s'", path).isEqualTo(expectedNodes.get(path));
        }
    }

    /**
     * The proof: an ncore v4 sequence with camera masks, cuboid tracks and component meta data, written by
     * ncore itself in one store and split into component-group stores, published and ingested, comes back node for
     * node (the content digests of {@code inspect --digests}, outside the root group).
     */
    @Test
    void sequenceWithMasksAndCuboidsComesBackNodeForNodeFromOneStoreAndFromSplitStores() throws Exception {
        Map<String, Object> expected = contentOutsideRoot(List.of(Fixtures.DRIVE_M));

        Path fromSingle = publishAndIngest(Fixtures.DRIVE_M, "publish-single", "drive-m", 0);
        assertThat(lastReport.skipped()).isEmpty();
        assertThat(lastReport.recordsByType()).containsKeys("component_meta", "camera_masks", "cuboid_observation");
        assertThat(contentOutsideRoot(List.of(fromSingle))).isEqualTo(expected);

        Path fromSplit = publishAndIngest(Fixtures.DRIVE_M_SPLIT, "publish-split", "drive-m-split", 0);
        assertThat(lastReport.skipped()).isEmpty();
        assertThat(contentOutsideRoot(List.of(fromSplit))).isEqualTo(expected);
    }

    /** Every node of the stores but their roots: kind, attributes, shape, dtype and content digest. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> contentOutsideRoot(List<Path> stores) throws Exception {
        Map<String, Object> nodes = new TreeMap<>();
        for (Path store : stores) {
            Map<String, Object> summary = PyJson.parseObject(ArchiveSummary.toJson(ArchiveSummary.of(store)));
            ((Map<String, Object>) summary.get("summary")).forEach((path, node) -> {
                if (!path.isEmpty()) {
                    nodes.merge(path, node, (a, b) -> {
                        assertThat(b).as("node '%s' in two stores", path).isEqualTo(a);
                        return a;
                    });
                }
            });
        }
        return nodes;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> attributes(Map<String, Map<String, Object>> nodes, String path) {
        return (Map<String, Object>) nodes.get(path).get("attributes");
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
