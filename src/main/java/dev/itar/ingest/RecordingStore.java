package dev.itar.ingest;

import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.ingest.StateRecords.CameraMasksRecord;
import dev.itar.ingest.StateRecords.ComponentMetaRecord;
import dev.itar.ingest.StateRecords.IntrinsicsRecord;
import dev.itar.ingest.StateRecords.RecordingHeader;
import dev.itar.ingest.StateRecords.SealedRecording;
import dev.itar.ingest.StateRecords.StaticPoseRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Typed access to the two small RocksDB stores of one task: per open recording its header, the fingerprints that
 * tell retries from conflicts, its static poses, intrinsics, component meta data and camera masks; and what was
 * sealed. (The recordings' data is in
 * the {@link UnsealedArchiveStore}.) Everything of a recording is one key range ({@link StoreKeys}).
 */
final class RecordingStore {
    static final String STATE = "recording-state";
    static final String SEALED = "sealed-recordings";

    /** Keys deleted per range scan (bounds the key list held in memory). */
    private static final int DELETE_BATCH = 4096;

    private final KeyValueStore<Bytes, byte[]> state;
    private final KeyValueStore<Bytes, byte[]> sealed;

    RecordingStore(KeyValueStore<Bytes, byte[]> state, KeyValueStore<Bytes, byte[]> sealed) {
        this.state = state;
        this.sealed = sealed;
    }

    Optional<RecordingHeader> header(String id) {
        return Optional.ofNullable(state.get(StoreKeys.header(id)))
                .map(b -> RecordingHeader.decode(b, STATE + " header of recording '" + id + "'"));
    }

    void putHeader(String id, RecordingHeader header) {
        state.put(StoreKeys.header(id), header.encode());
    }

    Optional<String> frameFingerprint(String id, int segment, String component, String sensor, long t1) {
        return fingerprint(StoreKeys.frame(id, segment, component, sensor, t1));
    }

    void putFrameFingerprint(String id, int segment, String component, String sensor, long t1, String fingerprint) {
        state.put(StoreKeys.frame(id, segment, component, sensor, t1), StateRecords.fingerprint(fingerprint));
    }

    Optional<String> poseFingerprint(String id, int segment, String source, String target, long t) {
        return fingerprint(StoreKeys.pose(id, segment, source, target, t));
    }

    void putPoseFingerprint(String id, int segment, String source, String target, long t, String fingerprint) {
        state.put(StoreKeys.pose(id, segment, source, target, t), StateRecords.fingerprint(fingerprint));
    }

    private Optional<String> fingerprint(Bytes key) {
        return Optional.ofNullable(state.get(key)).map(b -> StateRecords.fingerprint(b, STATE + " key " + key));
    }

    Optional<StaticPoseRecord> staticPose(String id, String source, String target) {
        return Optional.ofNullable(state.get(StoreKeys.staticPose(id, source, target)))
                .map(b -> StaticPoseRecord.decode(b, STATE + " static pose of recording '" + id + "'"));
    }

    void putStaticPose(String id, StaticPoseRecord pose) {
        state.put(StoreKeys.staticPose(id, pose.pose().source(), pose.pose().target()), pose.encode());
    }

    Optional<IntrinsicsRecord> intrinsics(String id, String kind, String sensor) {
        return Optional.ofNullable(state.get(StoreKeys.intrinsics(id, kind, sensor)))
                .map(b -> IntrinsicsRecord.decode(b, STATE + " intrinsics of recording '" + id + "'"));
    }

    void putIntrinsics(String id, IntrinsicsRecord intrinsics) {
        IntrinsicsFrame i = intrinsics.intrinsics();
        state.put(StoreKeys.intrinsics(id, i.kind(), i.sensor()), intrinsics.encode());
    }

    Optional<String> cuboidFingerprint(String id, int segment, String instance, String trackId, long timestampUs,
                                       String referenceFrameId) {
        return fingerprint(StoreKeys.cuboid(id, segment, instance, trackId, timestampUs, referenceFrameId));
    }

    void putCuboidFingerprint(String id, int segment, String instance, String trackId, long timestampUs,
                              String referenceFrameId, String fingerprint) {
        state.put(StoreKeys.cuboid(id, segment, instance, trackId, timestampUs, referenceFrameId),
                StateRecords.fingerprint(fingerprint));
    }

    Optional<ComponentMetaRecord> componentMeta(String id, String component, String instance) {
        return Optional.ofNullable(state.get(StoreKeys.componentMeta(id, component, instance)))
                .map(b -> ComponentMetaRecord.decode(b, STATE + " component meta of recording '" + id + "'"));
    }

    void putComponentMeta(String id, ComponentMetaRecord meta) {
        state.put(StoreKeys.componentMeta(id, meta.meta().component(), meta.meta().instance()), meta.encode());
    }

    Optional<CameraMasksRecord> cameraMasks(String id, String instance, String camera) {
        return Optional.ofNullable(state.get(StoreKeys.cameraMasks(id, instance, camera)))
                .map(b -> CameraMasksRecord.decode(b, STATE + " camera masks of recording '" + id + "'"));
    }

    void putCameraMasks(String id, CameraMasksRecord masks) {
        state.put(StoreKeys.cameraMasks(id, masks.masks().instance(), masks.masks().camera()), masks.encode());
    }

    /**
     * Hands each stored component meta record ({@link ComponentMetaRecord} bytes) of the recording to {@code each},
     * sorted by (component, instance), then each camera masks record ({@link CameraMasksRecord} bytes), sorted by
     * (instance, camera): one value in memory at a time.
     */
    void forEachRecordingItem(String id, java.util.function.BiConsumer<String, byte[]> each) {
        scan(StoreKeys.kindRange(id, StoreKeys.COMPONENT_META), kv -> each.accept(StoreKeys.COMPONENT_META, kv.value));
        scan(StoreKeys.kindRange(id, StoreKeys.CAMERA_MASKS), kv -> each.accept(StoreKeys.CAMERA_MASKS, kv.value));
    }

    /** The recording's static poses, sorted by (source, target). */
    List<StaticPoseFrame> staticPoses(String id) {
        List<StaticPoseFrame> out = new ArrayList<>();
        scan(StoreKeys.kindRange(id, StoreKeys.STATIC_POSE),
                kv -> out.add(StaticPoseRecord.decode(kv.value, STATE + " static pose of '" + id + "'").pose()));
        return out;
    }

    /** The recording's intrinsics, sorted by (kind, sensor). */
    List<IntrinsicsFrame> intrinsics(String id) {
        List<IntrinsicsFrame> out = new ArrayList<>();
        scan(StoreKeys.kindRange(id, StoreKeys.INTRINSICS),
                kv -> out.add(IntrinsicsRecord.decode(kv.value, STATE + " intrinsics of '" + id + "'").intrinsics()));
        return out;
    }

    Optional<SealedRecording> sealed(String id) {
        return Optional.ofNullable(sealed.get(StoreKeys.sealed(id)))
                .map(b -> SealedRecording.decode(b, SEALED + " entry of recording '" + id + "'"));
    }

    void markSealed(String id, SealedRecording info) {
        sealed.put(StoreKeys.sealed(id), info.encode());
    }

    OptionalLong streamTime() {
        byte[] b = sealed.get(StoreKeys.STREAM_TIME);
        return b == null ? OptionalLong.empty() : OptionalLong.of(StateRecords.streamTime(b, SEALED + " stream time"));
    }

    void putStreamTime(long t) {
        sealed.put(StoreKeys.STREAM_TIME, StateRecords.streamTime(t));
    }

    /**
     * The ids of all open recordings with their headers, found by skipping from one recording's key range to
     * the next (one short scan per recording, not one step per stored entry).
     */
    SortedMap<String, RecordingHeader> openRecordings() {
        SortedMap<String, RecordingHeader> open = new TreeMap<>();
        Bytes cursor = Bytes.wrap(new byte[0]);
        while (true) {
            Bytes first;
            try (KeyValueIterator<Bytes, byte[]> it = state.range(cursor, null)) {
                if (!it.hasNext()) {
                    return open;
                }
                first = it.next().key;
            }
            String id = StoreKeys.recordingId(first);
            // a recording without header cannot happen (the header is written with its first entry); if it did,
            // the recording is still sealed, from what there is
            open.put(id, header(id).orElseGet(() -> RecordingHeader.opened(0)));
            cursor = StoreKeys.afterRecording(id);
        }
    }

    /** Forgets the fingerprints of a sealed segment: a record for it now is late, not a duplicate. */
    long deleteSegment(String id, int segment) {
        return deleteRange(StoreKeys.segmentRange(id, StoreKeys.FRAME, segment))
                + deleteRange(StoreKeys.segmentRange(id, StoreKeys.POSE, segment))
                + deleteRange(StoreKeys.segmentRange(id, StoreKeys.CUBOID, segment));
    }

    /** Deletes every key of the recording. Returns the number of keys deleted. */
    long delete(String id) {
        return deleteRange(StoreKeys.recordingRange(id));
    }

    private long deleteRange(StoreKeys.Range range) {
        long deleted = 0;
        StoreKeys.Range rest = range;
        while (true) {
            List<Bytes> keys = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> it = state.range(rest.from(), rest.to())) {
                while (it.hasNext() && keys.size() < DELETE_BATCH) {
                    keys.add(it.next().key);
                }
            }
            if (keys.isEmpty()) {
                return deleted;
            }
            for (Bytes k : keys) {
                state.delete(k);
            }
            deleted += keys.size();
            // resume after the last deleted key rather than at the start: a new scan from the start would
            // have to step over every tombstone written so far
            rest = rest.after(keys.get(keys.size() - 1));
        }
    }

    private void scan(StoreKeys.Range range, java.util.function.Consumer<KeyValue<Bytes, byte[]>> each) {
        try (KeyValueIterator<Bytes, byte[]> it = state.range(range.from(), range.to())) {
            it.forEachRemaining(each);
        }
    }
}
