package dev.itar.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.itar.kafka.KafkaBrokerExtension;
import dev.itar.kafka.TopicAdmin;
import dev.itar.kafka.TopicSpec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The one reader of the sealed topic, on a real broker: every partition, latest event per recording, bad values named. */
class SealedEventReaderIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private IngestConfig config(String prefix) throws Exception {
        IngestConfig c = ItClients.config(KAFKA.bootstrapServers(), prefix, prefix + "-app", tmp.resolve("a"),
                tmp.resolve("s"), Map.of());
        TopicAdmin.ensureTopics(KAFKA.bootstrapServers(), List.of(TopicSpec.of(c.sealedTopic(), 3)));
        return c;
    }

    private static void send(String topic, int partition, String key, String value) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = ItClients.producer(KAFKA.bootstrapServers())) {
            p.send(new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8),
                    value == null ? null : value.getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    @Test
    void readsEveryPartitionAndKeepsTheLatestEventOfAnArchive() throws Exception {
        IngestConfig c = config("ser-ok");
        send(c.sealedTopic(), 0, "rec-a", event("rec-a", "rec-a", "old", true));
        send(c.sealedTopic(), 2, "rec-b", event("rec-b", "rec-b-00000", "b0", false));
        send(c.sealedTopic(), 2, "rec-b", event("rec-b", "rec-b-00001", "b1", false));
        send(c.sealedTopic(), 0, "rec-a", event("rec-a", "rec-a", "new", true));
        try (SealedEventReader reader = new SealedEventReader(c)) {
            var events = reader.readToEnd(WAIT);
            assertThat(events.keySet()).containsExactly("rec-a.ncore4.zarr.itar", "rec-b-00000.ncore4.zarr.itar",
                    "rec-b-00001.ncore4.zarr.itar");
            assertThat(events.get("rec-a.ncore4.zarr.itar").path("sha256").asText()).isEqualTo("new");
            assertThat(reader.completeRecordings()).containsExactly("rec-a"); // rec-b's last segment is to come
            assertThat(reader.poll(Duration.ofMillis(100))).isEqualTo(events);
        }
    }

    private static String event(String id, String stem, String sha, boolean complete) {
        return "{\"recording_id\":\"" + id + "\",\"archive\":\"/data/archives/" + stem + ".ncore4.zarr.itar\","
                + "\"sha256\":\"" + sha + "\",\"recording_complete\":" + complete + "}";
    }

    @Test
    void aValueThatIsNotAJsonObjectIsNamedByTopicPartitionAndOffset() throws Exception {
        IngestConfig c = config("ser-bad");
        send(c.sealedTopic(), 1, "rec-x", event("rec-x", "rec-x", "x", true));
        send(c.sealedTopic(), 1, "rec-y", "not json");
        try (SealedEventReader reader = new SealedEventReader(c)) {
            assertThatThrownBy(() -> reader.readToEnd(WAIT))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("the sealed event at " + c.sealedTopic() + "-1 offset 1 (key rec-y) is not a JSON object");
        }
    }

    @Test
    void aMissingTopicIsNamed() throws Exception {
        IngestConfig c = ItClients.config(KAFKA.bootstrapServers(), "ser-none", "ser-none-app", tmp.resolve("a"),
                tmp.resolve("s"), Map.of("consumer.allow.auto.create.topics", "false"));
        assertThatThrownBy(() -> new SealedEventReader(c)).hasMessageContaining(c.sealedTopic());
    }
}
