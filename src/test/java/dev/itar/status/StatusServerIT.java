package dev.itar.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.itar.frames.CameraFrame;
import dev.itar.frames.InvalidRecordException;
import dev.itar.frames.StartFrame;
import dev.itar.frames.WireEncoder;
import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.kafka.KafkaBrokerExtension;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The status endpoint of a running ingest application on a real broker. */
class StatusServerIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final Duration WAIT = Duration.ofSeconds(120);
    static final long T = 1_600_000_000_000_000L;
    static final String ID = "status-rec-1";

    /** A sample line of the text exposition format 0.0.4: name, optional labels, value, optional timestamp. */
    static final Pattern SAMPLE = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*"
            + "(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\[\\\\\"n]|[^\"\\\\\\n])*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\[\\\\\"n]|[^\"\\\\\\n])*\")*,?})?"
            + " (NaN|[+-]Inf|[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)( -?\\d+)?");
    static final Pattern COMMENT = Pattern.compile("# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* "
            + "(counter|gauge|histogram|summary|untyped))");

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void healthRecordingsAndMetricsOfARunningApplication() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        IngestConfig config = IngestConfig.of(Map.ofEntries(
                Map.entry(IngestConfig.BOOTSTRAP_SERVERS, bootstrap),
                Map.entry(IngestConfig.APPLICATION_ID, "status-it"),
                Map.entry(IngestConfig.TOPIC_FRAMES, "status-frames"),
                Map.entry(IngestConfig.TOPIC_DEAD_LETTERS, "status-dlq"),
                Map.entry(IngestConfig.TOPIC_SEALED, "status-sealed"),
                Map.entry(IngestConfig.TOPIC_PARTITIONS, "2"),
                Map.entry(IngestConfig.TOPIC_REPLICATION_FACTOR, "1"),
                Map.entry(IngestConfig.ARCHIVE_DIR, tmp.resolve("archives").toString()),
                Map.entry(IngestConfig.STATE_DIR, tmp.resolve("state").toString()),
                Map.entry(IngestConfig.HTTP_PORT, "0"),
                Map.entry("commit.interval.ms", "100")));
        IngestApplication app = new IngestApplication(config);
        Optional<StatusServer> started = StatusServer.start(app);
        assertThat(started).isPresent();
        try (StatusServer status = started.get()) {
            URI base = status.uri();
            assertThat(base.getHost()).isEqualTo("127.0.0.1");
            assertThat(status.port()).isPositive();
            // before start: not healthy
            assertThat(get(base, "/health").statusCode()).isEqualTo(503);

            app.start();
            assertThat(app.awaitRunning(WAIT)).isTrue();
            HttpResponse<String> health = get(base, "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(json.readTree(health.body()).get("state").asText()).isEqualTo("RUNNING");

            try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
                send(producer, config.framesTopic(), WireEncoder.encode(new StartFrame(Optional.of("seq-status"), null)));
                for (int i = 0; i < 3; i++) {
                    send(producer, config.framesTopic(), camera("cam0", T + i * 100_000L));
                }
                for (int i = 0; i < 2; i++) {
                    send(producer, config.framesTopic(), camera("cam1", T + i * 100_000L));
                }
                send(producer, config.framesTopic(), "not CBOR".getBytes(StandardCharsets.UTF_8));
            }

            JsonNode recording = awaitRecording(app, base,
                    r -> r.path("frames_per_sensor").path("cameras/cam0").asInt() == 3
                            && r.path("frames_per_sensor").path("cameras/cam1").asInt() == 2
                            && r.path("dead_letters").asInt() == 1);
            assertThat(recording.get("sequence_id").asText()).isEqualTo("seq-status");
            assertThat(recording.get("frames").asInt()).isEqualTo(5);
            assertThat(recording.get("bytes").asLong()).isGreaterThanOrEqualTo(5 * 1000L); // 5 images of 1000 bytes
            assertThat(recording.get("records").get("camera").asInt()).isEqualTo(5);
            assertThat(recording.get("records").get("start").asInt()).isEqualTo(1);
            assertThat(recording.get("idle_ms").asLong()).isNotNegative();
            assertThat(recording.get("last_record_timestamp_ms").asLong())
                    .isGreaterThanOrEqualTo(recording.get("first_record_timestamp_ms").asLong());

            HttpResponse<String> metrics = get(base, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValue(StatusServer.METRICS_CONTENT_TYPE);
            Map<String, Double> samples = new TreeMap<>();
            List<String> bad = new ArrayList<>();
            for (String line : metrics.body().split("\n")) {
                if (line.startsWith("#")) {
                    if (!COMMENT.matcher(line).matches()) {
                        bad.add(line);
                    }
                } else if (!SAMPLE.matcher(line).matches()) {
                    bad.add(line);
                } else {
                    int space = line.lastIndexOf(' ');
                    samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                }
            }
            assertThat(bad).as("lines not in the exposition grammar").isEmpty();
            assertThat(samples).containsEntry("itar_records_accepted_total{type=\"camera\"}", 5.0)
                    .containsEntry("itar_records_accepted_total{type=\"start\"}", 1.0)
                    .containsEntry("itar_dead_letters_total{code=\"" + InvalidRecordException.BAD_CBOR + "\"}", 1.0)
                    .containsEntry("itar_duplicates_total", 0.0)
                    .containsEntry("itar_open_recordings", 1.0)
                    .containsEntry("itar_seal_duration_seconds_count", 0.0)
                    .containsEntry("itar_seal_duration_seconds_sum", 0.0)
                    .containsEntry("itar_seal_duration_seconds_max", 0.0)
                    .containsEntry("itar_archive_bytes_total", 0.0);
            assertThat(samples.get("itar_record_bytes_total")).isGreaterThanOrEqualTo(5 * 1000.0);
            // Kafka Streams' own (KafkaStreamsMetrics) and the JVM's (heap, GC, threads)
            assertThat(samples.keySet()).anyMatch(k -> k.startsWith("kafka_stream_thread_") && k.contains("thread_id=\""))
                    .anyMatch(k -> k.startsWith("kafka_consumer_"))
                    .anyMatch(k -> k.startsWith("jvm_memory_used_bytes{") && k.contains("area=\"heap\""))
                    .anyMatch(k -> k.startsWith("jvm_threads_live_threads"))
                    .anyMatch(k -> k.startsWith("jvm_gc_"));
            assertThat(metrics.body()).contains("# TYPE itar_records_accepted_total counter\n",
                    "# TYPE itar_open_recordings gauge\n", "# TYPE itar_seal_duration_seconds summary\n");

            // only the families asked for, under the names /metrics prints
            HttpResponse<String> some = get(base,
                    "/metrics?name%5B%5D=itar_records_accepted_total&name%5B%5D=itar_open_recordings");
            assertThat(some.statusCode()).isEqualTo(200);
            assertThat(some.body().lines().filter(l -> !l.startsWith("#")))
                    .containsExactlyInAnyOrder("itar_open_recordings 1.0", "itar_records_accepted_total{type=\"camera\"} 5.0",
                            "itar_records_accepted_total{type=\"start\"} 1.0");

            assertThat(get(base, "/nope").statusCode()).isEqualTo(404);
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(base.resolve("/health"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");

            app.close();
            HttpResponse<String> down = get(base, "/health");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(json.readTree(down.body()).get("state").asText()).isEqualTo("NOT_RUNNING");
            assertThat(get(base, "/recordings").statusCode()).isEqualTo(503);
        } finally {
            app.close();
        }
    }

    @Test
    void portMinusOneMeansNoEndpointAndATakenPortIsAnErrorNamingIt() throws Exception {
        IngestConfig off = IngestConfig.of(Map.of(IngestConfig.HTTP_PORT, "-1"));
        assertThat(StatusServer.start(new IngestApplication(off))).isEmpty();

        IngestConfig any = IngestConfig.of(Map.of(IngestConfig.HTTP_PORT, "0"));
        try (StatusServer first = StatusServer.start(new IngestApplication(any)).orElseThrow()) {
            IngestApplication second = new IngestApplication(IngestConfig.of(Map.of(IngestConfig.HTTP_PORT,
                    Integer.toString(first.port()))));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> StatusServer.start(second))
                    .hasMessageContaining("127.0.0.1:" + first.port()).hasMessageContaining("http.port");
        }
    }

    private JsonNode awaitRecording(IngestApplication app, URI base, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get(base, "/recordings");
            if (r.statusCode() == 200) {
                for (JsonNode rec : json.readTree(r.body()).get("recordings")) {
                    if (rec.get("recording_id").asText().equals(ID)) {
                        last = rec;
                        if (done.test(rec)) {
                            return rec;
                        }
                    }
                }
            }
            if (app.awaitTermination(Duration.ofMillis(100))) {
                break; // the application stopped: no point waiting
            }
        }
        throw new AssertionError("recording " + ID + " did not reach the expected counts within " + WAIT
                + "; last seen: " + last);
    }

    private HttpResponse<String> get(URI base, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] camera(String sensor, long t) {
        byte[] image = new byte[1000];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) (i * 7 + t);
        }
        return WireEncoder.encode(new CameraFrame(sensor, t, t + 33_000, "jpeg", image, null, null));
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, ID.getBytes(StandardCharsets.UTF_8), value)).get();
    }
}
