package dev.itar.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.itar.frames.CameraFrame;
import dev.itar.kafka.KafkaBrokerExtension;
import dev.itar.storage.S3ProxyExtension;
import dev.itar.storage.S3Settings;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static dev.itar.ingest.TestRecordings.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/** Sealing into S3 ({@code archive.dir=s3://bucket/prefix}) against a real broker and a real S3 server. */
class S3SealIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension();

    static final long T = 1_600_000_000_000_000L;
    static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper();

    /** A recording whose archive is several S3 parts long (camera images are incompressible). */
    static TestRecordings recording(String id) {
        TestRecordings r = new TestRecordings(id)
                .start("seq-" + id, JSON.objectNode().put("vehicle", id))
                .staticPose("cam0", 1.0)
                .staticPose("top", 0.5)
                .cameraIntrinsics("cam0");
        for (int i = 0; i < 6; i++) {
            long t = T + i * 100_000L;
            r.pose(t);
            r.add(new CameraFrame("cam0", t, t + 33_000, "jpeg", TestRecordings.jpeg(t, 2_500_000),
                    JSON.objectNode().put("exposure_us", 800), new TreeMap<>()));
            r.lidar("top", t + 100_000, 500 + i, 2);
        }
        return r.end(T + 1_000_000);
    }

    private IngestConfig config(String name, String location) {
        Map<String, String> s3 = new HashMap<>();
        s3.put(S3Settings.ENDPOINT, S3.endpoint().toString());
        s3.put(S3Settings.REGION, S3ProxyExtension.REGION);
        s3.put(S3Settings.PATH_STYLE, "true");
        s3.put(S3Settings.ACCESS_KEY_ID, S3ProxyExtension.IDENTITY);
        s3.put(S3Settings.SECRET_ACCESS_KEY, S3ProxyExtension.CREDENTIAL);
        s3.put(S3Settings.PART_BYTES, Integer.toString(S3Settings.MIN_PART_BYTES));
        s3.put(IngestConfig.RECORDING_SEAL_RETRY_INITIAL_MS, "200");
        s3.put(IngestConfig.RECORDING_SEAL_RETRY_MAX_MS, "1000");
        // the archive dir is the S3 location; the helper's directory argument is replaced
        s3.put(IngestConfig.ARCHIVE_DIR, location);
        return ItClients.config(KAFKA.bootstrapServers(), name, "ingest-" + name, tmp.resolve("unused"),
                tmp.resolve("state"), s3);
    }

    @Test
    void aRecordingIsSealedIntoS3AndItsEventNamesTheObjects() throws Exception {
        String bucket = S3.bucket("sealed-archives");
        IngestConfig config = config("s3seal", "s3://" + bucket + "/fleet/2026");
        TestRecordings rec = recording("veh-s3-0001");
        try (IngestApplication app = new IngestApplication(config);
             KafkaProducer<byte[], byte[]> producer = ItClients.producer(KAFKA.bootstrapServers());
             KafkaConsumer<byte[], byte[]> sealed = ItClients.consumer(KAFKA.bootstrapServers(), config.sealedTopic());
             S3Client s3 = S3.client()) {
            app.start();
            assertThat(app.awaitRunning(WAIT)).as("application running").isTrue();
            for (TestRecordings.Rec r : rec.records()) {
                ItClients.send(producer, config.framesTopic(), r.keyBytes(), r.value());
            }
            List<ConsumerRecord<byte[], byte[]>> events = ItClients.poll(sealed, 1, WAIT);
            assertThat(events).as("sealed events").hasSize(1);
            JsonNode e = json.readTree(events.get(0).value());
            String key = "fleet/2026/" + rec.id() + ".ncore4.zarr.itar";
            assertThat(e.get("archive").asText()).isEqualTo("s3://" + bucket + "/" + key);
            assertThat(e.get("sequence_meta").asText()).isEqualTo("s3://" + bucket + "/fleet/2026/" + rec.id() + ".json");
            assertThat(e.get("bytes").asLong()).isGreaterThan(2L * S3Settings.MIN_PART_BYTES);

            Path archive = tmp.resolve("downloaded.itar");
            s3.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build(), archive);
            assertThat(Files.size(archive)).isEqualTo(e.get("bytes").asLong());
            assertThat(ArchiveAssertions.sha256(archive)).isEqualTo(e.get("sha256").asText());
            ArchiveAssertions.assertArchiveHolds(archive, rec.frames());
            JsonNode meta = json.readTree(s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket)
                    .key("fleet/2026/" + rec.id() + ".json").build()).asByteArray());
            assertThat(meta.toString()).contains(e.get("md5").asText());

            assertThat(s3.listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).build()).contents())
                    .extracting(S3Object::key)
                    .containsExactlyInAnyOrder(key, "fleet/2026/" + rec.id() + ".json");
            assertThat(s3.listMultipartUploads(ListMultipartUploadsRequest.builder().bucket(bucket).build())
                    .uploads()).as("uploads left open").isEmpty();
            // the archive was built in the state directory and moved out by the upload: no local copy stays
            try (Stream<Path> files = Files.walk(config.stateDir())) {
                assertThat(files.filter(p -> p.getFileName().toString().endsWith(".itar"))).isEmpty();
            }
            assertThat(app.metrics().pendingSeals()).isEmpty();
            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    @Test
    void aMissingBucketPausesTheSealWithItsReasonUntilTheBucketExists() throws Exception {
        String bucket = "created-later";
        IngestConfig config = config("s3late", "s3://" + bucket + "/x");
        TestRecordings rec = recording("veh-s3-0002");
        try (IngestApplication app = new IngestApplication(config);
             KafkaProducer<byte[], byte[]> producer = ItClients.producer(KAFKA.bootstrapServers());
             KafkaConsumer<byte[], byte[]> sealed = ItClients.consumer(KAFKA.bootstrapServers(), config.sealedTopic())) {
            app.start();
            assertThat(app.awaitRunning(WAIT)).as("application running").isTrue();
            for (TestRecordings.Rec r : rec.records()) {
                ItClients.send(producer, config.framesTopic(), r.keyBytes(), r.value());
            }
            assertThat(ItClients.await(app, WAIT, () -> app.metrics().sealFailures() >= 2))
                    .as("the seal failed and was retried").isTrue();
            assertThat(app.metrics().pendingSeals()).containsOnlyKeys(rec.id() + "/0");
            assertThat(app.metrics().pendingSeals().get(rec.id() + "/0"))
                    .contains("s3://" + bucket).contains("no such bucket").doesNotContain("\n");
            assertThat(ItClients.poll(sealed, 1, Duration.ofMillis(500))).as("no event while it waits").isEmpty();
            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);

            S3.bucket(bucket);
            List<ConsumerRecord<byte[], byte[]>> events = ItClients.poll(sealed, 1, WAIT);
            assertThat(events).as("sealed event once the bucket exists").hasSize(1);
            JsonNode e = json.readTree(events.get(0).value());
            assertThat(e.get("archive").asText()).isEqualTo("s3://" + bucket + "/x/" + rec.id() + ".ncore4.zarr.itar");
            Path archive = tmp.resolve("late.itar");
            try (S3Client s3 = S3.client()) {
                s3.getObject(GetObjectRequest.builder().bucket(bucket).key("x/" + rec.id() + ".ncore4.zarr.itar")
                        .build(), archive);
            }
            assertThat(ArchiveAssertions.sha256(archive)).isEqualTo(e.get("sha256").asText());
            ArchiveAssertions.assertArchiveHolds(archive, rec.frames());
            assertThat(ItClients.await(app, WAIT, () -> app.metrics().pendingSeals().isEmpty())).isTrue();
        }
    }
}
