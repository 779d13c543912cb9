package dev.itar.ingest;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/** Clients and bounded waits for the ingest integration tests. */
final class ItClients {
    private ItClients() {
    }

    /**
     * An ingest configuration for a test: its own topics (prefix), application id, archive and state
     * directories; 3 partitions, short commit interval, a session timeout short enough for restarts.
     */
    static IngestConfig config(String bootstrap, String prefix, String applicationId, Path archives, Path state,
                               Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put(IngestConfig.BOOTSTRAP_SERVERS, bootstrap);
        m.put(IngestConfig.APPLICATION_ID, applicationId);
        m.put(IngestConfig.TOPIC_FRAMES, prefix + "-frames");
        m.put(IngestConfig.TOPIC_DEAD_LETTERS, prefix + "-dlq");
        m.put(IngestConfig.TOPIC_SEALED, prefix + "-sealed");
        m.put(IngestConfig.TOPIC_PARTITIONS, "3");
        m.put(IngestConfig.TOPIC_REPLICATION_FACTOR, "1");
        m.put(IngestConfig.ARCHIVE_DIR, archives.toString());
        m.put(IngestConfig.STATE_DIR, state.toString());
        m.put(IngestConfig.RECORDING_IDLE_TIMEOUT_MS, "600000");
        m.put("commit.interval.ms", "100");
        m.put("num.stream.threads", "1");
        m.put("consumer.session.timeout.ms", "6000");
        m.put("consumer.heartbeat.interval.ms", "1000");
        m.putAll(extra);
        return IngestConfig.of(m);
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A read_committed consumer of {@code topic} from the beginning (outputs are transactional). */
    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    static void send(KafkaProducer<byte[], byte[]> producer, String topic, byte[] key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot produce to " + topic, e.getCause());
        }
    }

    /** Polls until {@code n} records arrived or {@code timeout} passed; returns what arrived. */
    static List<ConsumerRecord<byte[], byte[]>> poll(KafkaConsumer<byte[], byte[]> consumer, int n, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < n && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }

    /**
     * Waits until {@code condition} holds, checking every 50 ms while blocked on the application's termination
     * latch (so a failed application ends the wait early); false on timeout or termination.
     */
    static boolean await(IngestApplication app, Duration timeout, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (app.awaitTermination(Duration.ofMillis(50))) {
                return condition.getAsBoolean();
            }
        }
        return condition.getAsBoolean();
    }
}
