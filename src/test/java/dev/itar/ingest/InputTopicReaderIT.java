package dev.itar.ingest;

import dev.itar.kafka.KafkaBrokerExtension;
import dev.itar.kafka.TopicAdmin;
import dev.itar.kafka.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reader a restore re-reads frames with, on a real broker: by offset, forwards and back, and what is gone. */
class InputTopicReaderIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path tmp;

    private IngestConfig config(String prefix) {
        return ItClients.config(KAFKA.bootstrapServers(), prefix, prefix + "-app", tmp.resolve("a"),
                tmp.resolve("s"), Map.of());
    }

    /** Sends {@code n} values "v0", "v1", ... to partition 1 of a two-partition frames topic. */
    private static void fill(IngestConfig c, int n) throws Exception {
        TopicAdmin.ensureTopics(KAFKA.bootstrapServers(), List.of(TopicSpec.of(c.framesTopic(), 2)));
        try (KafkaProducer<byte[], byte[]> p = ItClients.producer(KAFKA.bootstrapServers())) {
            for (int i = 0; i < n; i++) {
                p.send(new ProducerRecord<>(c.framesTopic(), 1, "rec".getBytes(StandardCharsets.UTF_8),
                        ("v" + i).getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    private static InputTopicReader reader(IngestConfig c) {
        return new InputTopicReader(() -> new KafkaConsumer<>(c.inputReaderProperties(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer()), c.framesTopic(), Duration.ofSeconds(30));
    }

    private static String text(byte[] v) {
        return new String(v, StandardCharsets.UTF_8);
    }

    @Test
    void readsTheValuesAtTheOffsetsAskedForInOrderSkippingOthersAndBack() throws Exception {
        IngestConfig c = config("reader-order");
        fill(c, 50);
        try (InputTopicReader r = reader(c)) {
            assertThat(text(r.valueAt(1, 3))).isEqualTo("v3");
            assertThat(text(r.valueAt(1, 4))).isEqualTo("v4");
            assertThat(text(r.valueAt(1, 40))).isEqualTo("v40");
            assertThat(text(r.valueAt(1, 41))).isEqualTo("v41");
            assertThat(text(r.valueAt(1, 2))).as("behind the position: a seek").isEqualTo("v2");
            assertThat(text(r.valueAt(1, 49))).isEqualTo("v49");
        }
    }

    @Test
    void aRecordDeletedFromTheTopicFailsNamingItsPartitionAndOffset() throws Exception {
        IngestConfig c = config("reader-gone");
        fill(c, 10);
        try (Admin admin = Admin.create(c.adminProperties())) {
            admin.deleteRecords(Map.of(new TopicPartition(c.framesTopic(), 1), RecordsToDelete.beforeOffset(6)))
                    .all().get();
        }
        try (InputTopicReader r = reader(c)) {
            assertThatThrownBy(() -> r.valueAt(1, 2))
                    .isInstanceOf(ProcessorStateException.class)
                    .hasMessageContaining(c.framesTopic() + "-1")
                    .hasMessageContaining("offset 2,")
                    .hasMessageContaining("starts at offset 6");
            assertThat(text(r.valueAt(1, 7))).as("what is still there reads after that").isEqualTo("v7");
        }
    }
}
