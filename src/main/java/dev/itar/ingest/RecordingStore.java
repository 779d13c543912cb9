package dev.itar.ingest;

import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.ingest.StateRecords.FrameRecord;
import dev.itar.ingest.StateRecords.IntrinsicsRecord;
import dev.itar.ingest.StateRecords.PoseRecord;
import dev.itar.ingest.StateRecords.RecordingHeader;
import dev.itar.ingest.StateRecords.SealedRecording;
import dev.itar.ingest.StateRecords.StaticPoseRecord;
import dev.itar.ncore.Chunk;
import dev.itar.ncore.FrameEntry;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Typed access to the three ingest stores of one task. Everything of a recording lives under its own key
 * range, so adding a frame writes only that frame's keys and a small header, and sealing scans ranges.
 */
final class RecordingStore {
    static final String CHUNKS = "recording-chunks";
    static final String STATE = "recording-state";
    static final String SEALED = "sealed-recordings";

    /** Keys deleted per range scan when dropping a recording (bounds the key list held in memory). */
    private static final int DELETE_BATCH = 4096;

    private final KeyValueStore<Bytes, byte[]> chunks;
    private final KeyValueStore<Bytes, byte[]> state;
    private final KeyValueStore<Bytes, byte[]> sealed;

    RecordingStore(KeyValueStore<Bytes, byte[]> chunks, KeyValueStore<Bytes, byte[]> state,
                   KeyValueStore<Bytes, byte[]> sealed) {
        this.chunks = chunks;
        this.state = state;
        this.sealed = sealed;
    }

    Optional<RecordingHeader> header(String id) {
        return Optional.ofNullable(state.get(StoreKeys.header(id)))
                .map(b -> StateRecords.decode(b, RecordingHeader.class));
    }

    void putHeader(String id, RecordingHeader header) {
        state.put(StoreKeys.header(id), StateRecords.encode(header));
    }

    Optional<FrameRecord> frame(String id, FrameEntry e) {
        return get(StoreKeys.frame(id, e.component(), e.sensor(), e.t1()), FrameRecord.class);
    }

    /** The stored frame record at (component, sensor, t1), if any. */
    Optional<FrameRecord> frame(String id, String component, String sensor, long t1) {
        return get(StoreKeys.frame(id, component, sensor, t1), FrameRecord.class);
    }

    void putFrame(String id, FrameRecord frame, List<Chunk> frameChunks) {
        for (Chunk c : frameChunks) {
            chunks.put(StoreKeys.chunk(id, c.key()), c.bytes());
        }
        FrameEntry e = frame.entry();
        state.put(StoreKeys.frame(id, e.component(), e.sensor(), e.t1()), StateRecords.encode(frame));
    }

    Optional<PoseRecord> pose(String id, String source, String target, long t) {
        return get(StoreKeys.pose(id, source, target, t), PoseRecord.class);
    }

    void putPose(String id, PoseRecord pose) {
        PoseFrame p = pose.pose();
        state.put(StoreKeys.pose(id, p.source(), p.target(), p.t()), StateRecords.encode(pose));
    }

    Optional<StaticPoseRecord> staticPose(String id, String source, String target) {
        return get(StoreKeys.staticPose(id, source, target), StaticPoseRecord.class);
    }

    void putStaticPose(String id, StaticPoseRecord pose) {
        StaticPoseFrame p = pose.pose();
        state.put(StoreKeys.staticPose(id, p.source(), p.target()), StateRecords.encode(pose));
    }

    Optional<IntrinsicsRecord> intrinsics(String id, String kind, String sensor) {
        return get(StoreKeys.intrinsics(id, kind, sensor), IntrinsicsRecord.class);
    }

    void putIntrinsics(String id, IntrinsicsRecord intrinsics) {
        IntrinsicsFrame i = intrinsics.intrinsics();
        state.put(StoreKeys.intrinsics(id, i.kind(), i.sensor()), StateRecords.encode(intrinsics));
    }

    Optional<SealedRecording> sealed(String id) {
        return Optional.ofNullable(sealed.get(StoreKeys.sealed(id)))
                .map(b -> StateRecords.decode(b, SealedRecording.class));
    }

    void markSealed(String id, SealedRecording info) {
        sealed.put(StoreKeys.sealed(id), StateRecords.encode(info));
    }

    OptionalLong streamTime() {
        byte[] b = sealed.get(StoreKeys.STREAM_TIME);
        return b == null ? OptionalLong.empty() : OptionalLong.of(ByteBuffer.wrap(b).getLong());
    }

    void putStreamTime(long t) {
        sealed.put(StoreKeys.STREAM_TIME, ByteBuffer.allocate(Long.BYTES).putLong(t).array());
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

    /** Frame entries sorted by component, sensor, t1. Close the iterator. */
    CloseableIterator<FrameEntry> frames(String id) {
        return scan(state, StoreKeys.kindRange(id, StoreKeys.FRAME),
                kv -> StateRecords.decode(kv.value, FrameRecord.class).entry());
    }

    /** Pose samples sorted by source, target, t. Close the iterator. */
    CloseableIterator<PoseFrame> poses(String id) {
        return scan(state, StoreKeys.kindRange(id, StoreKeys.POSE),
                kv -> StateRecords.decode(kv.value, PoseRecord.class).pose());
    }

    List<StaticPoseFrame> staticPoses(String id) {
        return collect(scan(state, StoreKeys.kindRange(id, StoreKeys.STATIC_POSE),
                kv -> StateRecords.decode(kv.value, StaticPoseRecord.class).pose()));
    }

    List<IntrinsicsFrame> intrinsics(String id) {
        return collect(scan(state, StoreKeys.kindRange(id, StoreKeys.INTRINSICS),
                kv -> StateRecords.decode(kv.value, IntrinsicsRecord.class).intrinsics()));
    }

    /** The recording's chunks in ascending zarr key order, read one at a time from the store. Close the iterator. */
    CloseableIterator<Chunk> chunks(String id) {
        return scan(chunks, StoreKeys.recordingRange(id), kv -> new Chunk(StoreKeys.zarrKey(kv.key), kv.value));
    }

    /** Deletes every key of the recording from the chunk and state stores. Returns the number of keys deleted. */
    long delete(String id) {
        return deleteRange(chunks, StoreKeys.recordingRange(id)) + deleteRange(state, StoreKeys.recordingRange(id));
    }

    private static long deleteRange(KeyValueStore<Bytes, byte[]> store, StoreKeys.Range range) {
        long deleted = 0;
        StoreKeys.Range rest = range;
        while (true) {
            List<Bytes> keys = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> it = store.range(rest.from(), rest.to())) {
                while (it.hasNext() && keys.size() < DELETE_BATCH) {
                    keys.add(it.next().key);
                }
            }
            if (keys.isEmpty()) {
                return deleted;
            }
            for (Bytes k : keys) {
                store.delete(k);
            }
            deleted += keys.size();
            // resume after the last deleted key rather than at the start: a new scan from the start would
            // have to step over every tombstone written so far
            rest = rest.after(keys.get(keys.size() - 1));
        }
    }

    private <T> Optional<T> get(Bytes key, Class<T> type) {
        return Optional.ofNullable(state.get(key)).map(b -> StateRecords.decode(b, type));
    }

    private static <T> List<T> collect(CloseableIterator<T> it) {
        try (it) {
            List<T> out = new ArrayList<>();
            it.forEachRemaining(out::add);
            return out;
        }
    }

    private static <T> CloseableIterator<T> scan(KeyValueStore<Bytes, byte[]> store, StoreKeys.Range range,
                                                Function<KeyValue<Bytes, byte[]>, T> map) {
        KeyValueIterator<Bytes, byte[]> it = store.range(range.from(), range.to());
        return new CloseableIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public T next() {
                if (!it.hasNext()) {
                    throw new NoSuchElementException();
                }
                return map.apply(it.next());
            }

            @Override
            public void close() {
                it.close();
            }
        };
    }

    /** An iterator over a store range that must be closed (it holds a RocksDB iterator). */
    interface CloseableIterator<T> extends Iterator<T>, AutoCloseable {
        @Override
        void close();
    }
}
