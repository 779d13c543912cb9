package dev.itar.sim;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends a {@link VehicleSimulator}'s records to a Kafka topic the way a careful vehicle logger would:
 * acks=all, idempotent producer (no duplicates or reordering on retries), bounded in-flight requests
 * and buffer (sending blocks rather than queueing without limit), large {@code max.request.size} for
 * multi-megabyte frames, flush at the end. Fails on the first record the broker did not accept.
 *
 * <p>{@code realtime} paces sending to sensor time (a 20 s recording takes 20 s to send). That is
 * pacing for demos only: nothing downstream depends on it.
 */
public final class SimulatorProducer implements AutoCloseable {
    /** Default {@code max.request.size}: the ingest default {@code max.message.bytes} (16 MiB). */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    /** Progress callback, called from the sending thread after each record is handed to the producer. */
    public interface Progress {
        void sent(long records, long bytes);
    }

    private final Producer<String, byte[]> producer;
    private final String topic;

    /** A producer on {@code bootstrapServers}; {@code extra} properties (security, ...) override the defaults. */
    public SimulatorProducer(String bootstrapServers, String topic, int maxRequestBytes, Map<String, Object> extra) {
        this(new KafkaProducer<>(producerProperties(bootstrapServers, maxRequestBytes, extra),
                new StringSerializer(), new ByteArraySerializer()), topic);
    }

    /** With a producer the caller made (tests); closed by {@link #close()}. */
    public SimulatorProducer(Producer<String, byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    static Map<String, Object> producerProperties(String bootstrapServers, int maxRequestBytes,
                                                  Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "itar-simulator");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequestBytes);
        // bounded: send() blocks when this much is waiting, but one maximal record must fit
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(64L * 1024 * 1024, 2L * maxRequestBytes));
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        props.putAll(extra);
        return props;
    }

    /**
     * Sends every record of {@code simulator}, flushes, and returns once all are acknowledged.
     *
     * @throws KafkaException naming the first record the broker refused (the rest are not sent)
     */
    public SimulationReport send(VehicleSimulator simulator, boolean realtime, Progress progress)
            throws InterruptedException {
        long startNanos = System.nanoTime();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        AtomicLong acked = new AtomicLong();
        SortedMap<String, Long> byType = new TreeMap<>();
        long records = 0;
        long bytes = 0;
        long firstTimeUs = Long.MIN_VALUE;
        for (Iterator<SimRecord> it = simulator.records(); it.hasNext(); ) {
            SimRecord record = it.next();
            if (realtime) {
                if (firstTimeUs == Long.MIN_VALUE) {
                    firstTimeUs = record.timeUs();
                }
                pace(startNanos, record.timeUs() - firstTimeUs);
            }
            throwIfFailed(failure);
            String what = record.recordingId() + " " + record.frame().type() + " at " + record.timeUs() + " µs";
            producer.send(new ProducerRecord<>(topic, record.recordingId(), record.value()), (metadata, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, new KafkaException("record " + what + " (" + record.value().length
                            + " bytes) was not accepted by topic " + topic + ": " + error.getMessage(), error));
                } else {
                    acked.incrementAndGet();
                }
            });
            records++;
            bytes += record.value().length + record.recordingId().getBytes(StandardCharsets.UTF_8).length;
            byType.merge(record.frame().type(), 1L, Long::sum);
            if (progress != null) {
                progress.sent(records, bytes);
            }
        }
        producer.flush();
        throwIfFailed(failure);
        if (acked.get() != records) {
            throw new KafkaException("only " + acked.get() + " of " + records + " records were acknowledged by topic "
                    + topic);
        }
        return new SimulationReport(topic, simulator.recordingIds(), records, bytes, byType,
                Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private static void throwIfFailed(AtomicReference<RuntimeException> failure) {
        RuntimeException error = failure.get();
        if (error != null) {
            throw error;
        }
    }

    /** Sleeps until {@code offsetUs} of sensor time has passed since {@code startNanos} (pacing only). */
    private static void pace(long startNanos, long offsetUs) throws InterruptedException {
        long dueNanos = startNanos + offsetUs * 1_000L;
        long waitNanos = dueNanos - System.nanoTime();
        if (waitNanos > 0) {
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
