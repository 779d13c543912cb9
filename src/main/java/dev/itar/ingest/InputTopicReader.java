package dev.itar.ingest;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.errors.ProcessorStateException;

import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Reads records of the frames topic by offset, for restores that re-read the frames their changelog names. The
 * references of a restore come in offset order, so each poll's records past the one asked for are kept for the
 * next requests (until a request passes them); a request behind the consumer's position seeks. The consumer is
 * created on the first request: a task that never restores a reference opens no connection.
 */
final class InputTopicReader implements ReferencedFrames.InputRecords, AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);

    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final String topic;
    private final Duration timeout;
    private Consumer<byte[], byte[]> consumer;
    private TopicPartition assigned;
    /** Records of {@link #assigned} polled past the last one asked for, by offset. */
    private final TreeMap<Long, byte[]> ahead = new TreeMap<>();

    /**
     * @param consumers makes a consumer that reads with {@code isolation.level=read_committed} and commits nothing
     * @param timeout   how long one record may take to arrive before the restore fails, naming it
     */
    InputTopicReader(Supplier<Consumer<byte[], byte[]>> consumers, String topic, Duration timeout) {
        this.consumers = consumers;
        this.topic = topic;
        this.timeout = timeout;
    }

    @Override
    public byte[] valueAt(int partition, long offset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        try {
            if (consumer == null) {
                consumer = consumers.get();
            }
            if (!tp.equals(assigned)) {
                consumer.assign(List.of(tp));
                assigned = tp;
                ahead.clear();
                consumer.seek(tp, offset);
            }
            byte[] held = ahead.get(offset);
            if (held != null) {
                ahead.headMap(offset, true).clear();
                return held;
            }
            ahead.clear();
            if (consumer.position(tp) != offset) {
                consumer.seek(tp, offset);
            }
            return poll(tp, offset);
        } catch (OffsetOutOfRangeException e) {
            assigned = null; // the next request assigns and seeks afresh
            throw missing(tp, offset, startsAt(tp, offset));
        } catch (KafkaException e) {
            assigned = null;
            throw new ProcessorStateException("cannot read " + tp + " at offset " + offset + " to restore the frame"
                    + " it holds: " + e.getMessage(), e);
        }
    }

    private byte[] poll(TopicPartition tp, long offset) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            byte[] hit = null;
            boolean passed = false;
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp)) {
                if (r.offset() == offset) {
                    hit = r.value();
                } else if (r.offset() > offset) {
                    ahead.put(r.offset(), r.value());
                    passed = true;
                }
            }
            if (hit != null) {
                return hit;
            }
            if (passed) {
                throw missing(tp, offset, "the topic has records after it but not it");
            }
        }
        throw missing(tp, offset, startsAt(tp, offset));
    }

    /** Why a record that did not come is missing: deleted (the partition starts after it now), or late. */
    private String startsAt(TopicPartition tp, long offset) {
        Long first = consumer.beginningOffsets(List.of(tp)).get(tp);
        return first != null && first > offset
                ? "the partition starts at offset " + first + " now (deleted by retention or by an operator)"
                : "it did not arrive within " + timeout.toSeconds() + " s";
    }

    private ProcessorStateException missing(TopicPartition tp, long offset, String why) {
        return new ProcessorStateException("the frame at " + tp + ", offset " + offset + ", which an open recording's"
                + " changelog names, cannot be read: " + why + "; the frames topic's retention must outlast open "
                + "recordings");
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
            consumer = null;
        }
    }
}
