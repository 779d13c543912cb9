package dev.itar.ingest;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Dead letters: the original record (key, value, timestamp and headers, byte for byte) plus headers saying why
 * and where it came from. Codes are {@link dev.itar.frames.InvalidRecordException}'s for records the wire
 * decoder rejects, and the constants here for what only the ingest state can tell.
 */
public final class DeadLetters {
    public static final String REASON = "itar.error.reason";
    public static final String CODE = "itar.error.code";
    public static final String SOURCE_TOPIC = "itar.source.topic";
    public static final String SOURCE_PARTITION = "itar.source.partition";
    public static final String SOURCE_OFFSET = "itar.source.offset";

    /** A record for a recording, or for a segment of it, that has already been sealed. */
    public static final String LATE = "late";
    /**
     * Same sensor and t1 (or pose source, target, t; static pose pair; intrinsics sensor; component meta component
     * and instance; camera masks instance and camera; cuboid observation instance, track, time and reference frame)
     * with different content.
     */
    public static final String CONFLICTING_DUPLICATE = "conflicting-duplicate";
    /** A second {@code start} with content different from the first. */
    public static final String SECOND_START = "second-start";
    /** Valid on the wire, but the ncore encoder refused it (its message says why). */
    public static final String REJECTED = "rejected";

    private DeadLetters() {
    }

    /** The dead letter for {@code original}: same key, value, timestamp and headers, plus the itar.* headers. */
    static Record<byte[], byte[]> of(Record<byte[], byte[]> original, String code, String reason,
                                     Optional<RecordMetadata> source) {
        Headers headers = new RecordHeaders(original.headers().toArray());
        // a record replayed from a dead-letter topic must not carry the old verdict alongside the new one
        for (String name : new String[] {REASON, CODE, SOURCE_TOPIC, SOURCE_PARTITION, SOURCE_OFFSET}) {
            headers.remove(name);
        }
        headers.add(REASON, utf8(reason));
        headers.add(CODE, utf8(code));
        source.ifPresent(m -> {
            headers.add(SOURCE_TOPIC, utf8(m.topic()));
            headers.add(SOURCE_PARTITION, utf8(Integer.toString(m.partition())));
            headers.add(SOURCE_OFFSET, utf8(Long.toString(m.offset())));
        });
        return new Record<>(original.key(), original.value(), original.timestamp(), headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
