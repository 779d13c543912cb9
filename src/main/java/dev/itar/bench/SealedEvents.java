package dev.itar.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The sealed-events topic as a downstream reader sees it: {@code read_committed}, so an event counts only once the
 * application's transaction that produced it has committed. Each event is stamped with the wall-clock time this
 * reader first saw it; the consumer asks the broker to answer a fetch within 10 ms, which bounds how late that
 * stamp can be.
 */
final class SealedEvents implements AutoCloseable {
    /** One sealed event: its JSON and when it became readable. */
    record Sealed(String recordingId, JsonNode event, long seenMillis) {
        long archiveBytes() {
            return event.path("bytes").asLong();
        }

        /** Sensor time the archive covers (its interval), seconds. */
        double sensorSeconds() {
            return (event.path("interval_stop_us").asLong() - event.path("interval_start_us").asLong()) / 1e6;
        }

        /** Accepted records by wire type, summed. */
        long records() {
            long sum = 0;
            for (JsonNode n : event.path("records")) {
                sum += n.asLong();
            }
            return sum;
        }

        long records(String type) {
            return event.path("records").path(type).asLong();
        }

        String trigger() {
            return event.path("trigger").asText();
        }

        String archive() {
            return event.path("archive").asText();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final Map<String, Sealed> seen = new LinkedHashMap<>();

    SealedEvents(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        consumer.poll(Duration.ZERO); // looks the offsets up now, not when the first event is awaited
    }

    /** Waits for the events of every id in {@code ids}, failing early if {@code ingestor} dies. */
    Map<String, Sealed> await(Collection<String> ids, Duration timeout, IngestorProcess ingestor) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!seen.keySet().containsAll(ids)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("sealed events of " + ids.stream().filter(i -> !seen.containsKey(i))
                        .toList() + " did not appear on " + topic + " within " + timeout.toSeconds() + " s");
            }
            if (ingestor != null) {
                ingestor.requireAlive("sealing " + ids);
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                long now = System.currentTimeMillis();
                try {
                    seen.putIfAbsent(r.key(), new Sealed(r.key(), JSON.readTree(r.value()), now));
                } catch (IOException e) {
                    throw new UncheckedIOException("sealed event at " + r.topic() + "-" + r.partition() + "@"
                            + r.offset() + " is not JSON: " + e.getMessage(), e);
                }
            }
        }
        Map<String, Sealed> out = new LinkedHashMap<>();
        ids.forEach(id -> out.put(id, seen.get(id)));
        return out;
    }

    Sealed await(String id, Duration timeout, IngestorProcess ingestor) {
        return await(List.of(id), timeout, ingestor).get(id);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
