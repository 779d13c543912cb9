package dev.itar.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.frames.CameraMask;
import dev.itar.frames.CameraMasksFrame;
import dev.itar.frames.ComponentMetaFrame;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.ingest.StateCodec.Reader;
import dev.itar.ingest.StateCodec.RecordType;
import dev.itar.ingest.StateCodec.Writer;
import dev.itar.ncore.SequenceHeader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The small values the ingest application keeps in its RocksDB stores, and their {@link StateCodec} form. The
 * recording's data itself lives in the {@link UnsealedArchiveStore}.
 */
final class StateRecords {
    private StateRecords() {
    }

    /**
     * The per-recording header, rewritten on every record of the recording (so it stays small).
     *
     * @param sequenceId       from the {@code start} record; null = the recording id
     * @param meta             the sequence's generic_meta_data from {@code start}; null = {}
     * @param startFingerprint {@link RecordFingerprint} of the accepted {@code start} record; null while there was
     *                         none
     * @param endT             {@code t} of the {@code end} record, null when absent
     * @param firstTimestamp   smallest Kafka record timestamp of the recording
     * @param lastTimestamp    largest Kafka record timestamp of the recording (the idle timeout counts from it)
     * @param records          accepted records per wire type
     * @param duplicates       exact repeats ignored
     * @param deadLetters      records of this (open) recording sent to the dead-letter topic
     * @param origin           sensor time of the recording's first frame or pose: where segment 0 starts; null before
     * @param watermark        largest sensor time seen (frames' t1, poses' t); null before any
     * @param closing          why the recording is being sealed (end, idle), null while it is open
     * @param closingAt        timestamp of the record or punctuation that closed it
     * @param sealedSegments   segments whose archives are published
     * @param sealedBytes      bytes of those archives
     * @param dataBytes        encoded chunk bytes of the frames accepted so far
     */
    record RecordingHeader(String sequenceId, ObjectNode meta, String startFingerprint, Long endT, long firstTimestamp,
                           long lastTimestamp, SortedMap<String, Long> records, long duplicates, long deadLetters,
                           Long origin, Long watermark, String closing, long closingAt, int sealedSegments,
                           long sealedBytes, long dataBytes) {
        RecordingHeader {
            records = Collections.unmodifiableSortedMap(new TreeMap<>(records));
        }

        static RecordingHeader opened(long timestamp) {
            return new RecordingHeader(null, null, null, null, timestamp, timestamp, new TreeMap<>(), 0, 0, null, null,
                    null, 0, 0, 0, 0);
        }

        /** The same header having seen one more record with this timestamp. */
        RecordingHeader seen(long timestamp) {
            return new RecordingHeader(sequenceId, meta, startFingerprint, endT, Math.min(firstTimestamp, timestamp),
                    Math.max(lastTimestamp, timestamp), records, duplicates, deadLetters, origin, watermark, closing,
                    closingAt, sealedSegments, sealedBytes, dataBytes);
        }

        RecordingHeader accepted(String type) {
            SortedMap<String, Long> counts = new TreeMap<>(records);
            counts.merge(type, 1L, Long::sum);
            return new RecordingHeader(sequenceId, meta, startFingerprint, endT, firstTimestamp, lastTimestamp, counts,
                    duplicates, deadLetters, origin, watermark, closing, closingAt, sealedSegments, sealedBytes,
                    dataBytes);
        }

        RecordingHeader duplicate() {
            return new RecordingHeader(sequenceId, meta, startFingerprint, endT, firstTimestamp, lastTimestamp, records,
                    duplicates + 1, deadLetters, origin, watermark, closing, closingAt, sealedSegments, sealedBytes,
                    dataBytes);
        }

        RecordingHeader deadLetter() {
            return new RecordingHeader(sequenceId, meta, startFingerprint, endT, firstTimestamp, lastTimestamp, records,
                    duplicates, deadLetters + 1, origin, watermark, closing, closingAt, sealedSegments, sealedBytes,
                    dataBytes);
        }

        RecordingHeader started(String sequenceId, ObjectNode meta, String fingerprint) {
            return new RecordingHeader(sequenceId, meta, fingerprint, endT, firstTimestamp, lastTimestamp, records,
                    duplicates, deadLetters, origin, watermark, closing, closingAt, sealedSegments, sealedBytes,
                    dataBytes);
        }

        RecordingHeader ended(Long endT) {
            return new RecordingHeader(sequenceId, meta, startFingerprint, endT, firstTimestamp, lastTimestamp, records,
                    duplicates, deadLetters, origin, watermark, closing, closingAt, sealedSegments, sealedBytes,
                    dataBytes);
        }

        /** Having seen sensor time {@code t}: the origin is fixed by the first, the watermark is the largest. */
        RecordingHeader sensorTime(long t) {
            return new RecordingHeader(sequenceId, meta, startFingerprint, endT, firstTimestamp, lastTimestamp, records,
                    duplicates, deadLetters, origin == null ? t : origin,
                    watermark == null ? t : Math.max(watermark, t), closing, closingAt, sealedSegments, sealedBytes,
                    dataBytes);
        }

        RecordingHeader closing(String trigger, long at) {
            return new RecordingHeader(sequenceId, meta, startFingerprint, endT, firstTimestamp, lastTimestamp, records,
                    duplicates, deadLetters, origin, watermark, trigger, at, sealedSegments, sealedBytes, dataBytes);
        }

        RecordingHeader segmentSealed(long bytes) {
            return new RecordingHeader(sequenceId, meta, startFingerprint, endT, firstTimestamp, lastTimestamp, records,
                    duplicates, deadLetters, origin, watermark, closing, closingAt, sealedSegments + 1,
                    sealedBytes + bytes, dataBytes);
        }

        RecordingHeader data(long chunkBytes) {
            return new RecordingHeader(sequenceId, meta, startFingerprint, endT, firstTimestamp, lastTimestamp, records,
                    duplicates, deadLetters, origin, watermark, closing, closingAt, sealedSegments, sealedBytes,
                    dataBytes + chunkBytes);
        }

        boolean isClosing() {
            return closing != null;
        }

        String effectiveSequenceId(String recordingId) {
            return sequenceId != null ? sequenceId : recordingId;
        }

        SequenceHeader sequenceHeader(String sequenceIdOfArchive) {
            return new SequenceHeader(sequenceIdOfArchive, meta == null ? null : meta.deepCopy(),
                    endT == null ? OptionalLong.empty() : OptionalLong.of(endT));
        }

        byte[] encode() {
            Writer w = StateCodec.writer(RecordType.RECORDING_HEADER);
            w.optStr(sequenceId).json(meta).optStr(startFingerprint).optI64(endT).i64(firstTimestamp)
                    .i64(lastTimestamp);
            w.i32(records.size());
            records.forEach((k, v) -> w.str(k).i64(v));
            w.i64(duplicates).i64(deadLetters).optI64(origin).optI64(watermark).optStr(closing).i64(closingAt)
                    .i32(sealedSegments).i64(sealedBytes).i64(dataBytes);
            return w.toBytes();
        }

        static RecordingHeader decode(byte[] value, String what) {
            Reader r = StateCodec.reader(value, RecordType.RECORDING_HEADER, what);
            String sequenceId = r.optStr();
            ObjectNode meta = r.jsonObject();
            String startFingerprint = r.optStr();
            Long endT = r.optI64();
            long first = r.i64();
            long last = r.i64();
            int n = r.i32();
            SortedMap<String, Long> records = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                records.put(r.str(), r.i64());
            }
            RecordingHeader h = new RecordingHeader(sequenceId, meta, startFingerprint, endT, first, last, records,
                    r.i64(), r.i64(), r.optI64(), r.optI64(), r.optStr(), r.i64(), r.i32(), r.i64(), r.i64());
            r.end();
            return h;
        }
    }

    /** The {@link RecordFingerprint} of an accepted frame, pose or cuboid observation. */
    static byte[] fingerprint(String fingerprint) {
        return StateCodec.writer(RecordType.FINGERPRINT).str(fingerprint).toBytes();
    }

    static String fingerprint(byte[] value, String what) {
        Reader r = StateCodec.reader(value, RecordType.FINGERPRINT, what);
        String fingerprint = r.str();
        r.end();
        return fingerprint;
    }

    /** A static pose with the {@link RecordFingerprint} of its record. */
    record StaticPoseRecord(String fingerprint, StaticPoseFrame pose) {
        byte[] encode() {
            return writeStaticPose(StateCodec.writer(RecordType.STATIC_POSE).str(fingerprint), pose).toBytes();
        }

        static StaticPoseRecord decode(byte[] value, String what) {
            Reader r = StateCodec.reader(value, RecordType.STATIC_POSE, what);
            StaticPoseRecord s = new StaticPoseRecord(r.str(), readStaticPose(r));
            r.end();
            return s;
        }
    }

    /** A static pose's fields, as its state record and a seal request both carry them. */
    static Writer writeStaticPose(Writer w, StaticPoseFrame p) {
        return w.str(p.source()).str(p.target()).doubles(p.matrix()).str(p.dtype());
    }

    static StaticPoseFrame readStaticPose(Reader r) {
        return new StaticPoseFrame(r.str(), r.str(), r.doubles(), r.str());
    }

    /** Intrinsics' fields, as their state record and a seal request both carry them. */
    static Writer writeIntrinsics(Writer w, IntrinsicsFrame i) {
        return w.str(i.sensor()).str(i.kind()).json(i.model());
    }

    static IntrinsicsFrame readIntrinsics(Reader r) {
        return new IntrinsicsFrame(r.str(), r.str(), r.jsonObject());
    }

    /** Intrinsics with the {@link RecordFingerprint} of their record. */
    record IntrinsicsRecord(String fingerprint, IntrinsicsFrame intrinsics) {
        byte[] encode() {
            return writeIntrinsics(StateCodec.writer(RecordType.INTRINSICS).str(fingerprint), intrinsics).toBytes();
        }

        static IntrinsicsRecord decode(byte[] value, String what) {
            Reader r = StateCodec.reader(value, RecordType.INTRINSICS, what);
            IntrinsicsRecord i = new IntrinsicsRecord(r.str(), readIntrinsics(r));
            r.end();
            return i;
        }
    }

    /**
     * A component instance's generic meta data with the {@link RecordFingerprint} of its record: kept in the
     * recording's state, and the same bytes are the item that puts it into a segment when the segment's seal is
     * requested.
     */
    record ComponentMetaRecord(String fingerprint, ComponentMetaFrame meta) {
        byte[] encode() {
            return StateCodec.writer(RecordType.COMPONENT_META).str(fingerprint).str(meta.component())
                    .str(meta.instance()).json(meta.meta()).toBytes();
        }

        static ComponentMetaRecord decode(byte[] value, String what) {
            Reader r = StateCodec.reader(value, RecordType.COMPONENT_META, what);
            ComponentMetaRecord m = new ComponentMetaRecord(r.str(), new ComponentMetaFrame(r.str(), r.str(),
                    r.jsonObject()));
            r.end();
            return m;
        }
    }

    /** One camera's masks with the fingerprint of their record; like {@link ComponentMetaRecord}, state and item. */
    record CameraMasksRecord(String fingerprint, CameraMasksFrame masks) {
        byte[] encode() {
            Writer w = StateCodec.writer(RecordType.CAMERA_MASKS).str(fingerprint).str(masks.instance())
                    .str(masks.camera()).i32(masks.masks().size());
            for (CameraMask m : masks.masks()) {
                w.str(m.name()).str(m.format()).bytes(m.image());
            }
            return w.toBytes();
        }

        static CameraMasksRecord decode(byte[] value, String what) {
            Reader r = StateCodec.reader(value, RecordType.CAMERA_MASKS, what);
            String fingerprint = r.str();
            String instance = r.str();
            String camera = r.str();
            int n = r.i32();
            List<CameraMask> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(new CameraMask(r.str(), r.str(), r.bytes()));
            }
            r.end();
            return new CameraMasksRecord(fingerprint, new CameraMasksFrame(instance, camera, list));
        }
    }

    /**
     * What is remembered of a sealed recording, so later records for it are rejected.
     *
     * @param lastArchive the archive of its last segment
     */
    record SealedRecording(String sequenceId, int segments, String lastArchive, long bytes, String trigger,
                           long lastTimestamp) {
        byte[] encode() {
            return StateCodec.writer(RecordType.SEALED).str(sequenceId).i32(segments).str(lastArchive).i64(bytes)
                    .str(trigger).i64(lastTimestamp).toBytes();
        }

        static SealedRecording decode(byte[] value, String what) {
            Reader r = StateCodec.reader(value, RecordType.SEALED, what);
            SealedRecording s = new SealedRecording(r.str(), r.i32(), r.str(), r.i64(), r.str(), r.i64());
            r.end();
            return s;
        }
    }

    static byte[] streamTime(long t) {
        return StateCodec.writer(RecordType.STREAM_TIME).i64(t).toBytes();
    }

    static long streamTime(byte[] value, String what) {
        Reader r = StateCodec.reader(value, RecordType.STREAM_TIME, what);
        long t = r.i64();
        r.end();
        return t;
    }
}
