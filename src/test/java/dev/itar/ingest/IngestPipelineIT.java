package dev.itar.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.itar.frames.InvalidRecordException;
import dev.itar.frames.LidarFrame;
import dev.itar.frames.WireEncoder;
import dev.itar.kafka.KafkaBrokerExtension;
import dev.itar.zarr.ZarrArchiveReader;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.itar.ingest.TestRecordings.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/** The whole pipeline against a real (embedded KRaft) broker. */
class IngestPipelineIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final long T = 1_600_000_000_000_000L;
    static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper();

    static TestRecordings recording(String id, long offset) {
        return recording(id, offset, false);
    }

    /** @param labels with wire format 1.1's component meta data, camera masks and cuboid observations */
    static TestRecordings recording(String id, long offset, boolean labels) {
        TestRecordings r = new TestRecordings(id)
                .start("seq-" + id, JSON.objectNode().put("vehicle", id))
                .staticPose("cam0", 1.0 + offset)
                .staticPose("top", 0.5)
                .staticPose("front", 2.0)
                .cameraIntrinsics("cam0");
        if (labels) {
            r.componentMeta("cameras", "cam0", JSON.objectNode().put("fps", 10)).masks("default", "cam0")
                    .componentMeta("cuboids", "default", JSON.objectNode().put("labeller", "test"));
        }
        for (int i = 0; i < 6; i++) {
            long t = T + offset + i * 100_000L;
            if (labels) {
                r.cuboid("default", "car-" + (i % 2), t + 10_000, "cam0");
            }
            r.pose(t);
            r.camera("cam0", t + 33_000);
            r.lidar("top", t + 100_000, 500 + i, 2);
            if (i % 2 == 0) {
                r.radar("front", t + 50_000, 40, 1);
            }
        }
        return r.end(T + offset + 1_000_000);
    }

    @Test
    void twoInterleavedRecordingsAreSealedIntoCompleteArchives() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        IngestConfig config = ItClients.config(bootstrap, "pipe", "ingest-pipe", tmp.resolve("archives"),
                tmp.resolve("state"), Map.of());
        TestRecordings a = recording("veh-a-0001", 0);
        TestRecordings b = recording("veh-b-0002", 7_000);

        try (IngestApplication app = new IngestApplication(config);
             KafkaProducer<byte[], byte[]> producer = ItClients.producer(bootstrap);
             KafkaConsumer<byte[], byte[]> sealed = ItClients.consumer(bootstrap, config.sealedTopic())) {
            app.start();
            assertThat(app.awaitRunning(WAIT)).as("application running").isTrue();
            List<TestRecordings.Rec> ra = a.records();
            List<TestRecordings.Rec> rb = b.records();
            for (int i = 0; i < Math.max(ra.size(), rb.size()); i++) {
                if (i < ra.size()) {
                    ItClients.send(producer, config.framesTopic(), ra.get(i).keyBytes(), ra.get(i).value());
                }
                if (i < rb.size()) {
                    ItClients.send(producer, config.framesTopic(), rb.get(i).keyBytes(), rb.get(i).value());
                }
            }
            List<ConsumerRecord<byte[], byte[]>> events = ItClients.poll(sealed, 2, WAIT);
            assertThat(events).as("sealed events").hasSize(2);
            Map<String, JsonNode> byId = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> e : events) {
                byId.put(new String(e.key(), StandardCharsets.UTF_8), json.readTree(e.value()));
            }
            assertThat(byId).containsOnlyKeys(a.id(), b.id());
            for (TestRecordings r : List.of(a, b)) {
                JsonNode e = byId.get(r.id());
                Path archive = Path.of(e.get("archive").asText());
                assertThat(archive).isEqualTo(config.archiveDir().resolve(r.id() + ".ncore4.zarr.itar")
                        .toAbsolutePath().normalize());
                assertThat(e.get("sha256").asText()).isEqualTo(ArchiveAssertions.sha256(archive));
                assertThat(e.get("frames_per_sensor").get("cameras/cam0").asInt()).isEqualTo(6);
                assertThat(e.get("frames_per_sensor").get("lidars/top").asInt()).isEqualTo(6);
                assertThat(e.get("frames_per_sensor").get("radars/front").asInt()).isEqualTo(3);
                ArchiveAssertions.assertArchiveHolds(archive, r.frames());
                assertNcoreLayout(archive);
            }
            assertThat(app.metrics().deadLetters()).isZero();
            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    private static void assertNcoreLayout(Path archive) throws IOException {
        try (ZarrArchiveReader zarr = ZarrArchiveReader.open(archive)) {
            assertThat(zarr.nodes().keySet()).contains("", "cameras", "cameras/cam0", "cameras/cam0/frames",
                    "lidars", "lidars/top", "lidars/top/frames", "radars", "radars/front", "radars/front/frames",
                    "poses", "intrinsics");
            assertThat(zarr.nodes().get("").attributes()).containsKey("sequence_id");
        }
        assertThat(archive.resolveSibling(archive.getFileName().toString()
                .replace(".ncore4.zarr.itar", ".json"))).exists();
    }

    @Test
    void hostileRecordsGoToTheDeadLetterTopicWhileTheValidRecordingIsSealedIntact() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        IngestConfig config = ItClients.config(bootstrap, "hostile", "ingest-hostile", tmp.resolve("archives"),
                tmp.resolve("state"), Map.of());
        TestRecordings good = recording("good-0001", 0);

        byte[] camera = WireEncoder.encode(TestRecordings.cameraFrame("cam0", T, 0));
        byte[] garbage = "this is not CBOR".getBytes(StandardCharsets.UTF_8);
        byte[] wrongVersion = camera.clone();
        wrongVersion[3] = 0x02;
        LidarFrame l = TestRecordings.lidarFrame("top", T, 16, 2);
        byte[] badLidar = WireEncoder.encode(new LidarFrame("top", l.t0(), l.t1(), 16, 2, l.direction(),
                Arrays.copyOf(l.timestampUs(), 15 * 8), l.distanceM(), l.intensity(), null, null, null));
        byte[][][] hostile = {
                {"../x".getBytes(StandardCharsets.UTF_8), camera},
                {"good-0001".getBytes(StandardCharsets.UTF_8), garbage},
                {"good-0001".getBytes(StandardCharsets.UTF_8), wrongVersion},
                {"good-0001".getBytes(StandardCharsets.UTF_8), badLidar},
        };
        String[] codes = {InvalidRecordException.BAD_KEY, InvalidRecordException.BAD_CBOR,
                InvalidRecordException.BAD_VERSION, InvalidRecordException.BAD_LENGTH};

        try (IngestApplication app = new IngestApplication(config);
             KafkaProducer<byte[], byte[]> producer = ItClients.producer(bootstrap);
             KafkaConsumer<byte[], byte[]> sealed = ItClients.consumer(bootstrap, config.sealedTopic());
             KafkaConsumer<byte[], byte[]> dlq = ItClients.consumer(bootstrap, config.deadLetterTopic())) {
            app.start();
            assertThat(app.awaitRunning(WAIT)).isTrue();
            List<TestRecordings.Rec> recs = good.records();
            for (int i = 0; i < recs.size(); i++) {
                ItClients.send(producer, config.framesTopic(), recs.get(i).keyBytes(), recs.get(i).value());
                if (i > 0 && i <= hostile.length) {
                    ItClients.send(producer, config.framesTopic(), hostile[i - 1][0], hostile[i - 1][1]);
                }
            }
            List<ConsumerRecord<byte[], byte[]>> dead = ItClients.poll(dlq, 4, WAIT);
            assertThat(dead).hasSize(4);
            Map<String, ConsumerRecord<byte[], byte[]>> byCode = new TreeMap<>();
            dead.forEach(d -> byCode.put(header(d, DeadLetters.CODE), d));
            assertThat(byCode).containsOnlyKeys(codes);
            for (int i = 0; i < codes.length; i++) {
                ConsumerRecord<byte[], byte[]> d = byCode.get(codes[i]);
                assertThat(d.key()).isEqualTo(hostile[i][0]);
                assertThat(d.value()).isEqualTo(hostile[i][1]);
                assertThat(header(d, DeadLetters.REASON)).isNotBlank();
                assertThat(header(d, DeadLetters.SOURCE_TOPIC)).isEqualTo(config.framesTopic());
                assertThat(header(d, DeadLetters.SOURCE_PARTITION)).matches("[0-2]");
                assertThat(header(d, DeadLetters.SOURCE_OFFSET)).matches("\\d+");
            }
            assertThat(header(byCode.get(InvalidRecordException.BAD_KEY), DeadLetters.REASON)).contains("'../x'");
            assertThat(header(byCode.get(InvalidRecordException.BAD_LENGTH), DeadLetters.REASON))
                    .contains("timestamp_us");

            List<ConsumerRecord<byte[], byte[]>> events = ItClients.poll(sealed, 1, WAIT);
            assertThat(events).hasSize(1);
            JsonNode e = json.readTree(events.get(0).value());
            assertThat(e.get("recording_id").asText()).isEqualTo("good-0001");
            assertThat(e.get("dead_letters").asInt()).isEqualTo(3);
            ArchiveAssertions.assertArchiveHolds(Path.of(e.get("archive").asText()), good.frames());
            assertThat(config.archiveDir().resolve("x.ncore4.zarr.itar")).doesNotExist();
            assertThat(tmp.resolve("x.ncore4.zarr.itar")).doesNotExist();
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
