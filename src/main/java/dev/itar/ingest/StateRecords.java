package dev.itar.ingest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.ncore.FrameEntry;
import dev.itar.ncore.SequenceHeader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The values kept in the ingest state stores, and their CBOR encoding (Jackson; records serialize their
 * components in declaration order and maps are sorted, so equal values give equal bytes).
 */
final class StateRecords {
    private static final ObjectMapper CBOR = CBORMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private StateRecords() {
    }

    static byte[] encode(Object value) {
        try {
            return CBOR.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + value.getClass().getSimpleName() + " for a state store", e);
        }
    }

    static <T> T decode(byte[] bytes, Class<T> type) {
        try {
            return CBOR.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt " + type.getSimpleName() + " in a state store", e);
        }
    }

    /**
     * The small per-recording header, rewritten on every record of the recording (so it must stay small:
     * frames, poses and chunks live in their own keys).
     *
     * @param sequenceId      from the {@code start} record; null = the recording id
     * @param meta            the sequence's generic_meta_data from {@code start}; null = {}
     * @param startSha256     sha256 of the accepted {@code start} record's value; null while there was none
     * @param endT            {@code t} of the {@code end} record, null when absent
     * @param firstTimestamp  smallest Kafka record timestamp of the recording
     * @param lastTimestamp   largest Kafka record timestamp of the recording (the idle timeout counts from it)
     * @param records         accepted records per wire type
     * @param duplicates      exact repeats ignored
     * @param deadLetters     records of this (open) recording sent to the dead-letter topic
     */
    record RecordingHeader(String sequenceId, ObjectNode meta, String startSha256, Long endT, long firstTimestamp,
                           long lastTimestamp, SortedMap<String, Long> records, long duplicates, long deadLetters) {
        RecordingHeader {
            records = Collections.unmodifiableSortedMap(new TreeMap<>(records == null ? new TreeMap<>() : records));
        }

        static RecordingHeader opened(long timestamp) {
            return new RecordingHeader(null, null, null, null, timestamp, timestamp, new TreeMap<>(), 0, 0);
        }

        /** The same header having seen one more record with this timestamp. */
        RecordingHeader seen(long timestamp) {
            return new RecordingHeader(sequenceId, meta, startSha256, endT, Math.min(firstTimestamp, timestamp),
                    Math.max(lastTimestamp, timestamp), records, duplicates, deadLetters);
        }

        RecordingHeader accepted(String type) {
            SortedMap<String, Long> counts = new TreeMap<>(records);
            counts.merge(type, 1L, Long::sum);
            return new RecordingHeader(sequenceId, meta, startSha256, endT, firstTimestamp, lastTimestamp, counts,
                    duplicates, deadLetters);
        }

        RecordingHeader duplicate() {
            return new RecordingHeader(sequenceId, meta, startSha256, endT, firstTimestamp, lastTimestamp, records,
                    duplicates + 1, deadLetters);
        }

        RecordingHeader deadLetter() {
            return new RecordingHeader(sequenceId, meta, startSha256, endT, firstTimestamp, lastTimestamp, records,
                    duplicates, deadLetters + 1);
        }

        RecordingHeader started(String sequenceId, ObjectNode meta, String sha256) {
            return new RecordingHeader(sequenceId, meta, sha256, endT, firstTimestamp, lastTimestamp, records,
                    duplicates, deadLetters);
        }

        RecordingHeader ended(Long endT) {
            return new RecordingHeader(sequenceId, meta, startSha256, endT, firstTimestamp, lastTimestamp, records,
                    duplicates, deadLetters);
        }

        String effectiveSequenceId(String recordingId) {
            return sequenceId != null ? sequenceId : recordingId;
        }

        SequenceHeader sequenceHeader(String recordingId) {
            return new SequenceHeader(effectiveSequenceId(recordingId), meta == null ? null : meta.deepCopy(),
                    endT == null ? OptionalLong.empty() : OptionalLong.of(endT));
        }
    }

    /** A stored sensor frame: its ncore description plus the sha256 of the original record value. */
    record FrameRecord(String sha256, FrameEntry entry) {
    }

    /*
     * The frame records below serialize as their components: {source, target, t, matrix: [16 doubles]},
     * {source, target, matrix, dtype} and {sensor, kind, model}, the field names stores written by earlier
     * versions hold (StateRecordsTest pins the bytes).
     */
    record PoseRecord(String sha256, PoseFrame pose) {
    }

    record StaticPoseRecord(String sha256, StaticPoseFrame pose) {
    }

    record IntrinsicsRecord(String sha256, IntrinsicsFrame intrinsics) {
    }

    /** What is remembered of a sealed recording, so later records for it are rejected. */
    record SealedRecording(String sequenceId, String archive, long bytes, String sha256, String trigger,
                           long lastTimestamp) {
    }
}
