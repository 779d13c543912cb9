package dev.itar.rebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.itar.archive.FileDigests;
import dev.itar.cli.Main;
import dev.itar.frames.CameraFrame;
import dev.itar.frames.EndFrame;
import dev.itar.frames.Frame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.StartFrame;
import dev.itar.frames.WireEncoder;
import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.kafka.KafkaBrokerExtension;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Live-ingest recordings, then rebuild them from the topic into another directory: the same bytes. */
class RebuildIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final Duration WAIT = Duration.ofSeconds(120);
    static final long T = 1_600_000_000_000_000L;

    @TempDir
    Path tmp;

    @Test
    void aRecordingSealedLiveByWallClockIsRebuiltIdentically() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        IngestConfig live = IngestConfig.of(new TreeMap<>(Map.ofEntries(
                Map.entry(IngestConfig.BOOTSTRAP_SERVERS, bootstrap),
                Map.entry(IngestConfig.APPLICATION_ID, "idle-live"),
                Map.entry(IngestConfig.TOPIC_FRAMES, "idle-frames"),
                Map.entry(IngestConfig.TOPIC_DEAD_LETTERS, "idle-dlq"),
                Map.entry(IngestConfig.TOPIC_SEALED, "idle-sealed"),
                Map.entry(IngestConfig.TOPIC_PARTITIONS, "1"),
                Map.entry(IngestConfig.TOPIC_REPLICATION_FACTOR, "1"),
                Map.entry(IngestConfig.ARCHIVE_DIR, tmp.resolve("live").toString()),
                Map.entry(IngestConfig.STATE_DIR, tmp.resolve("state").toString()),
                Map.entry(IngestConfig.RECORDING_IDLE_TIMEOUT_MS, "2000"),
                Map.entry(IngestConfig.RECORDING_IDLE_CHECK_INTERVAL_MS, "200"),
                Map.entry(IngestConfig.HTTP_PORT, "-1"),
                Map.entry("commit.interval.ms", "100"))));
        try (IngestApplication app = new IngestApplication(live);
             KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            app.start();
            assertThat(app.awaitRunning(WAIT)).isTrue();
            for (Frame f : recording("seq-quiet", 0, false)) { // no end: the logger just stopped
                send(producer, live.framesTopic(), "veh-quiet", f);
            }
            Map<String, JsonNode> sealed = readSealed(bootstrap, live.sealedTopic(), 1);
            assertThat(sealed.get("veh-quiet").get("trigger").asText()).isEqualTo("idle-wall-clock");
        }
        Path rebuilt = tmp.resolve("rebuilt");
        Rebuild.Result result = Rebuild.run(Rebuild.config(live, rebuilt, Rebuild.defaultApplicationId(live, rebuilt)),
                false, WAIT, line -> { });
        assertThat(result.open()).as("recordings left open").isEmpty();
        assertThat(FileDigests.sha256(rebuilt.resolve("veh-quiet.ncore4.zarr.itar")))
                .isEqualTo(FileDigests.sha256(tmp.resolve("live/veh-quiet.ncore4.zarr.itar")));
    }

    @Test
    void rebuildGivesByteIdenticalArchivesAndReportsTheOpenRecording() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        Map<String, String> settings = new TreeMap<>(Map.ofEntries(
                Map.entry(IngestConfig.BOOTSTRAP_SERVERS, bootstrap),
                Map.entry(IngestConfig.APPLICATION_ID, "rebuild-live"),
                Map.entry(IngestConfig.TOPIC_FRAMES, "rb-frames"),
                Map.entry(IngestConfig.TOPIC_DEAD_LETTERS, "rb-dlq"),
                Map.entry(IngestConfig.TOPIC_SEALED, "rb-sealed"),
                Map.entry(IngestConfig.TOPIC_PARTITIONS, "3"),
                Map.entry(IngestConfig.TOPIC_REPLICATION_FACTOR, "1"),
                Map.entry(IngestConfig.ARCHIVE_DIR, tmp.resolve("live").toString()),
                Map.entry(IngestConfig.STATE_DIR, tmp.resolve("state").toString()),
                Map.entry(IngestConfig.HTTP_PORT, "-1"),
                Map.entry("commit.interval.ms", "100")));
        IngestConfig live = IngestConfig.of(settings);

        try (IngestApplication app = new IngestApplication(live);
             KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            app.start();
            assertThat(app.awaitRunning(WAIT)).isTrue();
            List<Frame> a = recording("seq-a", 0, true);
            List<Frame> b = recording("seq-b", 5_000, true);
            List<Frame> open = recording("seq-open", 9_000, false);
            for (int i = 0; i < a.size(); i++) { // interleaved, as vehicles send
                send(producer, live.framesTopic(), "veh-a", a.get(i));
                send(producer, live.framesTopic(), "veh-b", b.get(i));
                if (i < open.size()) {
                    send(producer, live.framesTopic(), "veh-open", open.get(i));
                }
            }
            Map<String, JsonNode> sealed = readSealed(bootstrap, live.sealedTopic(), 2);
            assertThat(sealed).containsOnlyKeys("veh-a", "veh-b");
        }
        Path liveA = tmp.resolve("live/veh-a.ncore4.zarr.itar");
        Path liveB = tmp.resolve("live/veh-b.ncore4.zarr.itar");

        Path configFile = tmp.resolve("live.properties");
        Properties props = new Properties();
        props.putAll(settings);
        try (var w = Files.newBufferedWriter(configFile)) {
            props.store(w, "the live pipeline's configuration");
        }
        Path rebuilt = tmp.resolve("rebuilt");
        String expectedId = Rebuild.defaultApplicationId(live, rebuilt);
        assertThat(expectedId).matches("rebuild-live-rebuild-[0-9a-f]{12}")
                .isEqualTo(Rebuild.defaultApplicationId(live, tmp.resolve("x/../rebuilt")));

        for (boolean fromBeginning : List.of(false, true)) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            List<String> args = new ArrayList<>(List.of("rebuild", "--config", configFile.toString(),
                    "--archive-dir", rebuilt.toString(), "--timeout", "120"));
            if (fromBeginning) {
                args.add("--from-beginning");
            }
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            int exit = cl.execute(args.toArray(String[]::new));
            assertThat(exit).as("exit status; stderr:\n%s\nstdout:\n%s", err, out).isZero();

            Path rebuiltA = rebuilt.resolve("veh-a.ncore4.zarr.itar");
            Path rebuiltB = rebuilt.resolve("veh-b.ncore4.zarr.itar");
            assertThat(FileDigests.sha256(rebuiltA)).isEqualTo(FileDigests.sha256(liveA));
            assertThat(FileDigests.sha256(rebuiltB)).isEqualTo(FileDigests.sha256(liveB));
            assertThat(rebuilt.resolve("veh-open.ncore4.zarr.itar")).doesNotExist();
            assertThat(out.toString()).contains("rebuild " + expectedId + ":", "2 archive(s)",
                    "sha256 " + FileDigests.sha256(liveA), "sha256 " + FileDigests.sha256(liveB),
                    "1 recording(s) still open", "veh-open");
            if (fromBeginning) {
                assertThat(err.toString()).contains("starting from the beginning");
            }
        }
        // the rebuild's events went to its own topic: the live sealed topic still has the two live events
        assertThat(readSealed(bootstrap, live.sealedTopic(), 2)).hasSize(2)
                .allSatisfy((id, e) -> assertThat(e.get("archive").asText()).contains("/live/"));
        assertThat(readSealed(bootstrap, expectedId + "-sealed", 2)).containsOnlyKeys("veh-a", "veh-b")
                .allSatisfy((id, e) -> assertThat(e.get("archive").asText()).contains("/rebuilt/"));
    }

    @Test
    void rebuildingIntoTheLiveArchiveDirIsRefused() {
        IngestConfig live = IngestConfig.of(Map.of(IngestConfig.ARCHIVE_DIR, tmp.resolve("live").toString()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Rebuild.config(live, tmp.resolve("live"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is the live archive.dir");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Rebuild.config(live, tmp.resolve("other"),
                live.applicationId())).hasMessageContaining("is the live application.id");
        IngestConfig r = Rebuild.config(live, tmp.resolve("other"), null);
        assertThat(r.applicationId()).startsWith(live.applicationId() + "-rebuild-");
        assertThat(r.sealedTopic()).isEqualTo(r.applicationId() + "-sealed");
        assertThat(r.deadLetterTopic()).isEqualTo(r.applicationId() + "-dlq");
        assertThat(r.framesTopic()).isEqualTo(live.framesTopic());
        assertThat(r.httpPort()).isEqualTo(-1);
    }

    private static List<Frame> recording(String sequenceId, long offset, boolean end) {
        List<Frame> frames = new ArrayList<>();
        frames.add(new StartFrame(Optional.of(sequenceId), null));
        for (int i = 0; i < 4; i++) {
            long t = T + offset + i * 100_000L;
            frames.add(new PoseFrame("rig", "world", t, new double[] {1, 0, 0, i + offset / 1e3, 0, 1, 0, 0,
                    0, 0, 1, 0, 0, 0, 0, 1}));
            byte[] image = new byte[2000];
            for (int k = 0; k < image.length; k++) {
                image[k] = (byte) (k * 13 + i + offset);
            }
            frames.add(new CameraFrame("cam0", t, t + 33_000, "jpeg", image, null, null));
        }
        if (end) {
            frames.add(new EndFrame(OptionalLong.of(T + offset + 1_000_000)));
        }
        return frames;
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, Frame f)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), WireEncoder.encode(f))).get();
    }

    /** Committed events of {@code topic}, by key; reads until {@code n} arrived and the end is reached. */
    private static Map<String, JsonNode> readSealed(String bootstrap, String topic, int n) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> out = new TreeMap<>();
        List<String> raw = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.put(r.key(), json.readTree(r.value()));
                    raw.add(r.key());
                }
                Map<TopicPartition, Long> ends = c.endOffsets(parts);
                if (raw.size() >= n && parts.stream().allMatch(tp -> c.position(tp) >= ends.get(tp))) {
                    break;
                }
            }
        }
        assertThat(raw).as("events on %s", topic).hasSize(n);
        return out;
    }
}
