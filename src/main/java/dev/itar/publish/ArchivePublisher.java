package dev.itar.publish;

import dev.itar.archive.ByteSource;
import dev.itar.frames.Frame;
import dev.itar.frames.RecordingIds;
import dev.itar.frames.WireEncoder;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes an existing ncore v4 archive as wire-format records (see {@link ArchiveFrames} for the order), keyed
 * by a recording id, so any archive can be re-ingested. Ingesting what was published gives back an archive with
 * the same content node for node, except what was skipped on purpose ({@link ArchiveFrames#skipped()}).
 *
 * <p>The producer must keep order per partition (acks=all, idempotence on: retries cannot reorder or double
 * records); {@link #producer} builds one. Sends are asynchronous; the first failure stops publishing and is
 * thrown, naming the record.
 */
public final class ArchivePublisher {
    private final Producer<byte[], byte[]> producer;
    private final String topic;

    /** What was sent. */
    public record Report(String archive, String recordingId, String sequenceId, long records, long bytes,
                         SortedMap<String, Long> recordsByType, List<String> skipped, List<String> notes) {
    }

    public ArchivePublisher(Producer<byte[], byte[]> producer, String topic) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    /**
     * An idempotent, acks=all producer for records up to {@code maxRequestBytes}; {@code extra} settings
     * (security, SASL, ...) are applied last.
     */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers, int maxRequestBytes,
                                                         Map<String, String> extra) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRequestBytes));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(Math.max(64L << 20, 4L * maxRequestBytes)));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "itar-publish");
        p.putAll(extra);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Publishes {@code archive} under {@code recordingId} (null: {@link ArchiveFrames#defaultRecordingId()}) and
     * waits until every record is acknowledged.
     */
    public Report publish(Path archive, String recordingId) throws IOException, InterruptedException {
        try (ArchiveFrames frames = ArchiveFrames.open(archive)) {
            return publish(frames, recordingId);
        }
    }

    /** As {@link #publish(Path, String)}, for an archive in any source (a stored object); the source stays open. */
    public Report publish(ByteSource archive, String recordingId) throws IOException, InterruptedException {
        try (ArchiveFrames frames = ArchiveFrames.open(archive)) {
            return publish(frames, recordingId);
        }
    }

    /**
     * Publishes an opened archive; a frame the wire format cannot carry stops publishing before it is sent (an
     * {@link UncarriedContentException}: the records before it were sent, and no {@code end}).
     */
    public Report publish(ArchiveFrames frames, String recordingId) throws IOException, InterruptedException {
        String archive = frames.archive();
        String id = recordingId != null ? recordingId : frames.defaultRecordingId();
        RecordingIds.requireValid(id);
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        AtomicReference<Exception> failure = new AtomicReference<>();
        SortedMap<String, Long> byType = new TreeMap<>();
        long records = 0;
        long bytes = 0;
        while (frames.hasNext() && failure.get() == null) {
            Frame frame;
            try {
                frame = frames.next();
            } catch (java.io.UncheckedIOException e) {
                producer.flush();
                throw e.getCause();
            }
            byte[] value = WireEncoder.encode(frame);
            long index = records;
            String type = frame.type();
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, new IOException("cannot publish record " + index + " (" + type
                            + ", " + value.length + " bytes) of " + archive + " to topic " + topic + ": "
                            + e.getMessage(), e));
                }
            });
            records++;
            bytes += value.length;
            byType.merge(type, 1L, Long::sum);
        }
        producer.flush();
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while publishing " + archive);
        }
        if (failure.get() != null) {
            Exception e = failure.get();
            throw e instanceof IOException io ? io : new IOException(e);
        }
        return new Report(archive, id, frames.sequenceId(), records, bytes, byType, frames.skipped(),
                frames.notes());
    }
}
