package dev.itar.bench;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends benchmark records to one topic (key = recording id) and counts them; the first failed send fails the next
 * call, naming the record.
 */
final class TopicSender implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private long records;
    private long bytes;

    TopicSender(KafkaProducer<byte[], byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    Future<RecordMetadata> send(String recordingId, byte[] value) {
        throwIfFailed();
        long n = records;
        records++;
        bytes += value.length;
        return producer.send(new ProducerRecord<>(topic, recordingId.getBytes(StandardCharsets.UTF_8), value),
                (m, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, new IllegalStateException("record " + n + " of recording "
                                + recordingId + " (" + value.length + " bytes) was not accepted by " + topic + ": "
                                + e.getMessage(), e));
                    }
                });
    }

    /**
     * Sends one record and waits for the broker's acknowledgement; returns its timestamp, which on a
     * {@code LogAppendTime} topic is when the broker appended it.
     */
    long sendAndAwaitAppend(String recordingId, byte[] value) throws InterruptedException {
        try {
            return send(recordingId, value).get().timestamp();
        } catch (ExecutionException e) {
            throw new IllegalStateException("record of recording " + recordingId + " was not accepted by " + topic
                    + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    void flush() {
        producer.flush();
        throwIfFailed();
    }

    long records() {
        return records;
    }

    long bytes() {
        return bytes;
    }

    private void throwIfFailed() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
