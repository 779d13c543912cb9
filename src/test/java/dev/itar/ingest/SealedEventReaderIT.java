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
    void readsEveryPartitionAndKeepsTheLatestEventOfARecording() throws Exception {
        IngestConfig c = config("ser-ok");
        send(c.sealedTopic(), 0, "rec-a", "{\"recording_id\":\"rec-a\",\"sha256\":\"old\"}");
        send(c.sealedTopic(), 2, "rec-b", "{\"recording_id\":\"rec-b\",\"sha256\":\"b\"}");
        send(c.sealedTopic(), 0, "rec-a", "{\"recording_id\":\"rec-a\",\"sha256\":\"new\"}");
        try (SealedEventReader reader = new SealedEventReader(c)) {
            var events = reader.readToEnd(WAIT);
            assertThat(events.keySet()).containsExactly("rec-a", "rec-b");
            assertThat(events.get("rec-a").path("sha256").asText()).isEqualTo("new");
            assertThat(reader.poll(Duration.ofMillis(100))).isEqualTo(events);
        }
    }

    @Test
    void aValueThatIsNotAJsonObjectIsNamedByTopicPartitionAndOffset() throws Exception {
        IngestConfig c = config("ser-bad");
        send(c.sealedTopic(), 1, "rec-x", "{\"recording_id\":\"rec-x\"}");
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
