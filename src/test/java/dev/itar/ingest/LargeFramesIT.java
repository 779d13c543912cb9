package dev.itar.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.itar.frames.CameraFrame;
import dev.itar.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.itar.ingest.TestRecordings.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Multi-megabyte frames with the default size settings (max.message.bytes and the producer, consumer and
 * changelog limits derived from it): a 6 MiB camera image and a 200,000-ray two-return lidar sweep (~6.4 MB on
 * the wire) pass through the input topic, the state store's changelog and the seal intact.
 */
class LargeFramesIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final Duration WAIT = Duration.ofSeconds(180);
    static final long T = 1_700_000_000_000_000L;

    @TempDir
    Path tmp;

    @Test
    void multiMegabyteFramesAreSealedIntact() throws Exception {
        CameraFrame small = TestRecordings.cameraFrame("cam4k", T + 33_000, 0);
        CameraFrame big = new CameraFrame(small.sensor(), small.t0(), small.t1(), small.format(),
                TestRecordings.jpeg(42, 6 * 1024 * 1024), small.meta(), small.data());
        TestRecordings r = new TestRecordings("big-0001")
                .start("seq-big", JSON.objectNode().put("vehicle", "big"))
                .add(big)
                .lidar("top", T + 100_000, 200_000, 2)
                .end(T + 200_000);
        assertThat(r.records().stream().mapToInt(x -> x.value().length).max().orElseThrow())
                .as("largest record").isGreaterThan(6 * 1024 * 1024);

        String bootstrap = KAFKA.bootstrapServers();
        IngestConfig config = ItClients.config(bootstrap, "big", "ingest-big", tmp.resolve("archives"),
                tmp.resolve("state"), Map.of());
        try (IngestApplication app = new IngestApplication(config);
             KafkaProducer<byte[], byte[]> producer = ItClients.producer(bootstrap);
             KafkaConsumer<byte[], byte[]> sealed = ItClients.consumer(bootstrap, config.sealedTopic())) {
            app.start();
            assertThat(app.awaitRunning(WAIT)).as("application running").isTrue();
            for (TestRecordings.Rec rec : r.records()) {
                ItClients.send(producer, config.framesTopic(), rec.keyBytes(), rec.value());
            }
            List<ConsumerRecord<byte[], byte[]>> events = ItClients.poll(sealed, 1, WAIT);
            assertThat(events).as("sealed events").hasSize(1);
            assertThat(app.metrics().deadLetters()).as("dead letters").isZero();
            JsonNode event = new ObjectMapper().readTree(events.get(0).value());
            ArchiveAssertions.assertArchiveHolds(Path.of(event.get("archive").asText()), r.frames());
        }
    }
}
