package dev.itar.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping the application in the middle of a recording and starting it again (same application id and state
 * directory) yields the same archive bytes as one uninterrupted run over the same topic — wire format 1.1's
 * component meta data, camera masks and cuboid observations included.
 */
class RestartIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void anArchiveSealedAcrossARestartEqualsTheUninterruptedOne() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        TestRecordings rec = IngestPipelineIT.recording("restart-0001", 0, true);
        List<TestRecordings.Rec> records = rec.records();
        int half = records.size() / 2;
        IngestConfig interrupted = ItClients.config(bootstrap, "restart", "ingest-restart", tmp.resolve("archives-1"),
                tmp.resolve("state-1"), Map.of());

        try (KafkaProducer<byte[], byte[]> producer = ItClients.producer(bootstrap)) {
            // first instance: half of the recording, then stopped
            try (IngestApplication first = new IngestApplication(interrupted)) {
                first.start();
                assertThat(first.awaitRunning(WAIT)).isTrue();
                for (TestRecordings.Rec r : records.subList(0, half)) {
                    ItClients.send(producer, interrupted.framesTopic(), r.keyBytes(), r.value());
                }
                assertThat(ItClients.await(first, WAIT, () -> first.metrics().recordsAccepted() == half))
                        .as("first half processed").isTrue();
                assertThat(first.metrics().openRecordings()).isEqualTo(1);
            }
            assertThat(tmp.resolve("archives-1/restart-0001.ncore4.zarr.itar")).doesNotExist();

            // second instance, same application id and state directory: the rest, then the end
            String sha;
            try (IngestApplication second = new IngestApplication(interrupted);
                 KafkaConsumer<byte[], byte[]> sealed = ItClients.consumer(bootstrap, interrupted.sealedTopic())) {
                second.start();
                assertThat(second.awaitRunning(WAIT)).isTrue();
                assertThat(ItClients.await(second, WAIT, () -> second.metrics().openRecordings() == 1))
                        .as("the open recording is found in the restored state").isTrue();
                for (TestRecordings.Rec r : records.subList(half, records.size())) {
                    ItClients.send(producer, interrupted.framesTopic(), r.keyBytes(), r.value());
                }
                List<ConsumerRecord<byte[], byte[]>> events = ItClients.poll(sealed, 1, WAIT);
                assertThat(events).hasSize(1);
                JsonNode e = json.readTree(events.get(0).value());
                sha = e.get("sha256").asText();
                Path archive = Path.of(e.get("archive").asText());
                assertThat(ArchiveAssertions.sha256(archive)).isEqualTo(sha);
                ArchiveAssertions.assertArchiveHolds(archive, rec.frames());
                assertThat(second.metrics().recordsAccepted()).as("only the second half was processed again")
                        .isEqualTo(records.size() - half);
            }

            // a fresh application id replays the whole topic without interruption
            IngestConfig replay = ItClients.config(bootstrap, "restart", "ingest-replay", tmp.resolve("archives-2"),
                    tmp.resolve("state-2"), Map.of(IngestConfig.TOPIC_SEALED, "restart-sealed-replay",
                            IngestConfig.TOPIC_DEAD_LETTERS, "restart-dlq-replay"));
            try (IngestApplication fresh = new IngestApplication(replay);
                 KafkaConsumer<byte[], byte[]> sealed = ItClients.consumer(bootstrap, replay.sealedTopic())) {
                fresh.start();
                List<ConsumerRecord<byte[], byte[]>> events = ItClients.poll(sealed, 1, WAIT);
                assertThat(events).hasSize(1);
                Path archive = tmp.resolve("archives-2/restart-0001.ncore4.zarr.itar");
                assertThat(ArchiveAssertions.sha256(archive)).isEqualTo(sha);
                assertThat(json.readTree(events.get(0).value()).get("sha256").asText()).isEqualTo(sha);
            }
        }
    }
}
