package dev.itar.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/** The plain Kafka clients of the benchmarks: the producer that fills topics and the consumer that is the ceiling. */
final class BenchClients {
    static final Duration PHASE_TIMEOUT = Duration.ofMinutes(10);

    private BenchClients() {
    }

    /** An idempotent, acks=all producer with batches and request sizes for multi-megabyte frames. */
    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return producer(bootstrap, 5);
    }

    /** The same with {@code lingerMs} (0: a record is sent at once, for paced streams). */
    static KafkaProducer<byte[], byte[]> producer(String bootstrap, int lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 * 1024 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * MB/s of record values read by a plain consumer draining {@code records} records of the topic from the
     * beginning, from its first record to the last (the first record starts the clock and is not counted).
     */
    static double drain(String bootstrap, String topic, long records) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // the same fetch sizes the ingest application's consumer gets from its defaults
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map((PartitionInfo i) -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long seen = 0;
            long bytes = 0;
            long first = 0;
            long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
            while (seen < records) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("consumer read only " + seen + " of " + records + " records");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (seen == 0) {
                        first = System.nanoTime();
                    } else {
                        bytes += r.value().length;
                    }
                    seen++;
                }
            }
            return bytes / 1e6 / ((System.nanoTime() - first) / 1e9);
        }
    }

    /**
     * {@code base}, or {@code base-1}, {@code base-2}, ...: the first that the producer's default partitioner puts on
     * {@code partition} of {@code partitions} (murmur2 of the key), so a benchmark decides which recordings share a
     * partition — and so a stream thread — without bypassing the partitioner.
     */
    static String keyOnPartition(String base, int partition, int partitions) {
        for (int i = 0; i < 10_000; i++) {
            String key = i == 0 ? base : base + "-" + i;
            if (Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions == partition) {
                return key;
            }
        }
        throw new IllegalStateException("no key like " + base + " falls on partition " + partition + " of "
                + partitions);
    }
}
