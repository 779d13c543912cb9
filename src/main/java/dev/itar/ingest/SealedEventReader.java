package dev.itar.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads the {@link SealedEvent}s of a configuration's sealed topic from its beginning: every partition, committed
 * events only (the topology writes them in exactly-once transactions), by archive file name — one per archive,
 * so one per segment of a recording cut into segments; an archive sealed again (a replay into the same
 * directory) keeps its latest event. The topic must exist (the application creates
 * it on start). Not thread-safe: one reader per thread.
 */
public final class SealedEventReader implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final SortedMap<String, JsonNode> events = new TreeMap<>();

    /** Connects with the configuration's client settings (bootstrap servers, security) and seeks to the start. */
    public SealedEventReader(IngestConfig config) {
        this.topic = config.sealedTopic();
        Map<String, Object> p = new TreeMap<>(config.adminProperties());
        p.keySet().retainAll(ConsumerConfig.configNames());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-sealed-reader");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false); // a reader never creates the topic
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        try {
            try {
                this.partitions = consumer.partitionsFor(topic, METADATA_TIMEOUT).stream()
                        .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            } catch (TimeoutException e) {
                throw new IllegalStateException("cannot learn the partitions of sealed topic " + topic + " from "
                        + config.bootstrapServers() + " within " + METADATA_TIMEOUT.toSeconds() + " s", e);
            }
            if (partitions.isEmpty()) {
                throw new IllegalStateException("sealed topic " + topic + " has no partitions (does it exist?)");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** One poll of at most {@code timeout}; returns every event read so far. */
    public SortedMap<String, JsonNode> poll(Duration timeout) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
            JsonNode event = parse(r);
            events.put(archiveName(event, r), event);
        }
        return events();
    }

    /**
     * Reads up to the end offsets the topic has now; returns every event read so far.
     *
     * @throws IllegalStateException when that takes longer than {@code timeout}
     */
    public SortedMap<String, JsonNode> readToEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cannot read the sealed events of " + topic + " up to " + ends
                        + " within " + timeout.toSeconds() + " s");
            }
            poll(POLL);
        }
        return events();
    }

    /** The file name of the event's archive (its path or URI's last part). */
    private static String archiveName(JsonNode event, ConsumerRecord<String, byte[]> r) {
        String archive = event.path("archive").asText("");
        if (archive.isEmpty()) {
            throw new IllegalStateException("the sealed event at " + r.topic() + "-" + r.partition() + " offset "
                    + r.offset() + " (key " + r.key() + ") names no archive");
        }
        return archive.substring(archive.lastIndexOf('/') + 1);
    }

    /** The ids of the recordings whose last archive is sealed (their event says recording_complete). */
    public java.util.SortedSet<String> completeRecordings() {
        java.util.SortedSet<String> ids = new java.util.TreeSet<>();
        events.values().stream().filter(e -> e.path("recording_complete").asBoolean(false))
                .forEach(e -> ids.add(e.path("recording_id").asText()));
        return ids;
    }

    /** Every event read so far, by archive file name. */
    public SortedMap<String, JsonNode> events() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(events));
    }

    private JsonNode parse(ConsumerRecord<String, byte[]> r) {
        try {
            if (r.value() == null) {
                throw new IOException("no value");
            }
            JsonNode n = JSON.readTree(r.value());
            if (n == null || !n.isObject()) {
                throw new IOException("not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new IllegalStateException("the sealed event at " + r.topic() + "-" + r.partition() + " offset "
                    + r.offset() + " (key " + r.key() + ") is not a JSON object: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
