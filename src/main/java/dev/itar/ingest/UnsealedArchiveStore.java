package dev.itar.ingest;

import dev.itar.archive.AtomicFiles;
import dev.itar.storage.ArchiveStore;
import dev.itar.zarr.RootDialect;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.BatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archives under construction of one task: a Kafka Streams state store whose content is, for each open
 * segment of each recording, the segment's archive itself — each frame's encoded chunks and node metadata
 * appended as tar members as the frame arrives — plus the small item log the rest is rendered from. Sealing then
 * appends only the groups above the frames, the root, the index and the header, and publishes the file by rename:
 * no second copy of the data, nothing left to delete from a key-value store.
 *
 * <p>It is a {@link KeyValueStore} only so that Kafka Streams logs every change to its changelog and restores it
 * elsewhere; its values are {@link SegmentItems} (a frame's input record, a pose sample, a seal request), keyed
 * by {@link SegmentKey}, and a delete of any key of a segment drops the segment. It is not read by key. A frame's
 * value only names its record in the frames topic: live, the processor {@link #stageFrame stages} the frame it
 * encoded just before the put; restored, the store reads the record again and encodes it ({@link
 * ReferencedFrames}), to the same bytes. Values of earlier releases that carry the chunks are appended as they are.
 *
 * <p>Offsets are its own ({@link #managesOffsets()}): each commit (called after the Kafka transaction commits,
 * with {@code enable.transactional.statestores}) flushes the files and writes a {@link Manifest} of how far each
 * segment got; on start the files are cut back to the manifest and the changelog replayed from its offset, so a
 * crash at any point leaves exactly the committed state. Files that do not match the manifest (lost or damaged
 * disk) are dropped and the whole store restored from its changelog.
 *
 * <p>As a standby ({@code num.standby.replicas}) the store follows the changelog of a task active elsewhere: Kafka
 * Streams feeds it the same records as a restore and commits it (a manifest at the offset reached) every commit
 * interval, so its files stay the archives under construction as of the last transaction seen. Promoted, the store
 * object lives on: it restores only the records after that offset, and the task's processor {@link #attach}es to
 * it. Only an attached store seals; a task that becomes a standby here {@link #detach}es first.
 */
final class UnsealedArchiveStore implements KeyValueStore<Bytes, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(UnsealedArchiveStore.class);
    /** How long closing or detaching waits for a running seal to stop (it is interrupted first). */
    private static final long CLOSE_WAIT_MS = 30_000;

    private final String name;
    private final ArchiveStore archives;
    private final RootDialect dialect;
    private final ExecutorService executor;
    private final Consumer<UnsealedArchiveStore> onInit;
    private final Supplier<ReferencedFrames.InputRecords> inputs;
    /** Made on the first frame a restore re-reads from the input topic. */
    private ReferencedFrames referenced;
    /** The frame item the processor encoded for the put that follows, whose changelog value only names it. */
    private byte[] stagedKey;
    private byte[] stagedItem;

    private Path dir;
    private TaskId taskId;
    /** When this store's task last became active here: writes of its archives begun before it are an earlier owner's. */
    private Instant activeSince;
    /** Whether the task's processor is attached: the task is active here, not a standby. */
    private boolean attached;
    private boolean open;
    private Long committedOffset;
    private final java.util.NavigableMap<SegmentKey, UnsealedSegment> segments = new TreeMap<>();
    /** Segments whose delete arrived since the last commit: their files go once the commit no longer lists them. */
    private final List<SegmentKey> pendingDrops = new ArrayList<>();
    private final Map<SegmentKey, Future<?>> running = new ConcurrentHashMap<>();
    private final Set<SegmentKey> digesting = ConcurrentHashMap.newKeySet();
    private final Queue<SealOutcome> outcomes = new ConcurrentLinkedQueue<>();
    private Consumer<List<SegmentKey>> sealsCommitted = keys -> { };

    /**
     * @param inputs the frames topic's records by offset, for the frames a restore re-reads (asked for once, on the
     *               first; closed with the store if {@link AutoCloseable})
     */
    UnsealedArchiveStore(String name, ArchiveStore archives, RootDialect dialect, ExecutorService executor,
                         Consumer<UnsealedArchiveStore> onInit, Supplier<ReferencedFrames.InputRecords> inputs) {
        this.name = name;
        this.inputs = inputs;
        this.archives = archives;
        this.dialect = dialect;
        this.executor = executor;
        this.onInit = onInit;
    }

    @Override
    public String name() {
        return name;
    }

    TaskId taskId() {
        return taskId;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        this.taskId = context.taskId();
        this.dir = context.stateDir().toPath().resolve(name);
        try {
            Files.createDirectories(dir);
            load();
        } catch (IOException e) {
            throw new ProcessorStateException("task " + taskId + ": cannot open the unsealed-archive store in " + dir
                    + ": " + e.getMessage(), e);
        }
        context.register(root, (BatchingStateRestoreCallback) this::restoreAll);
        open = true;
        onInit.accept(this);
    }

    /** Reads the manifest and cuts every segment's files back to it; anything inconsistent means a full restore. */
    private void load() throws IOException {
        segments.clear();
        Optional<Manifest> manifest;
        try {
            manifest = Manifest.read(dir);
        } catch (StateFormatException e) {
            // e.g. left damaged by a power loss (it is not forced to disk): the changelog has what it described
            LOG.warn("task {}: the unsealed-archive store's manifest cannot be read ({}); restoring the store from its "
                    + "changelog", taskId, e.getMessage());
            wipe(e.getMessage());
            return;
        }
        if (manifest.isEmpty()) {
            wipe("no manifest");
            return;
        }
        try {
            for (Manifest.Entry e : manifest.get().segments()) {
                segments.put(e.key(), UnsealedSegment.committed(dir, e));
            }
        } catch (IOException | StateFormatException e) {
            LOG.warn("task {}: unsealed-archive store does not match its manifest ({}); restoring it from its changelog",
                    taskId, e.getMessage());
            wipe(e.getMessage());
            return;
        }
        committedOffset = manifest.get().changelogOffset();
        deleteStrayFiles();
        LOG.info("task {}: {} unsealed segment(s) at changelog offset {}", taskId, segments.size(), committedOffset);
    }

    private void wipe(String why) throws IOException {
        segments.clear();
        committedOffset = null;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        LOG.debug("task {}: unsealed-archive store starts empty ({})", taskId, why);
    }

    /** Files of segments the manifest does not list (created after its commit, or dropped by it). */
    private void deleteStrayFiles() throws IOException {
        Set<String> keep = new java.util.HashSet<>();
        keep.add(Manifest.FILE);
        for (UnsealedSegment s : segments.values()) {
            keep.add(s.body().getFileName().toString());
            keep.add(dev.itar.archive.IndexedTarWriter.memberIndexOf(s.body()).getFileName().toString());
            keep.add(s.items().getFileName().toString());
            keep.add(s.marker().getFileName().toString());
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (!keep.contains(f.getFileName().toString())) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private void restoreAll(Collection<KeyValue<byte[], byte[]>> records) {
        for (KeyValue<byte[], byte[]> r : records) {
            apply(r.key, r.value);
        }
    }

    @Override
    public void put(Bytes key, byte[] value) {
        apply(key.get(), value);
    }

    @Override
    public byte[] delete(Bytes key) {
        apply(key.get(), null);
        return null; // the store is not read by key: there is no old value to give
    }

    /** One changelog record, live or restored: the same bytes land in the same files either way. */
    private void apply(byte[] key, byte[] value) {
        SegmentKey k = SegmentKey.of(key);
        if (value == null) {
            UnsealedSegment s = segments.get(k);
            if (s != null && !pendingDrops.contains(k)) {
                pendingDrops.add(k);
            }
            return;
        }
        UnsealedSegment s = segments.computeIfAbsent(k, x -> UnsealedSegment.create(dir, x));
        String what = "changelog record of " + s;
        try {
            switch (SegmentKey.kind(key)) {
                case SegmentKey.FRAME -> {
                    byte[] item = SegmentItems.isFrameAt(value) ? frameItem(key, k, value, what) : value;
                    s.appendFrame(SegmentItems.readFrame(item, what), item);
                }
                case SegmentKey.POSE, SegmentKey.COMPONENT_META, SegmentKey.CAMERA_MASKS -> s.appendItem(value);
                case SegmentKey.CUBOID -> s.appendCuboid(value);
                case SegmentKey.SEAL -> s.requestSeal(value);
                default -> throw new StateFormatException(what + ": unknown key kind " + SegmentKey.kind(key));
            }
        } catch (IOException e) {
            throw new ProcessorStateException("task " + taskId + ": cannot write " + s + " in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The frame item for the put of {@code key} that follows on this thread: its changelog value names the input
     * record only ({@link SegmentItems#frameAt}), and the item encoded from it is appended as it stands.
     */
    void stageFrame(byte[] key, byte[] item) {
        stagedKey = key;
        stagedItem = item;
    }

    /** The item a frame's reference stands for: the one staged for it live, else its input record encoded again. */
    private byte[] frameItem(byte[] key, SegmentKey segment, byte[] value, String what) {
        byte[] staged = stagedItem;
        boolean live = stagedKey != null && Arrays.equals(stagedKey, key);
        stagedKey = null;
        stagedItem = null;
        if (live) {
            return staged;
        }
        if (referenced == null) {
            referenced = new ReferencedFrames(inputs.get());
        }
        return referenced.frameItem(segment, SegmentItems.readFrameAt(value, what), what);
    }

    /** The segments of {@code recordingId} still in the store, by segment number. */
    List<UnsealedSegment> segmentsOf(String recordingId) {
        return segments.subMap(new SegmentKey(recordingId, 0), true, new SegmentKey(recordingId, Integer.MAX_VALUE), true)
                .values().stream().filter(s -> !pendingDrops.contains(s.key())).toList();
    }

    Optional<UnsealedSegment> segment(SegmentKey key) {
        return Optional.ofNullable(segments.get(key)).filter(s -> !pendingDrops.contains(key));
    }

    /** Every segment in the store (not yet dropped), for status and restart. */
    List<UnsealedSegment> segments() {
        return segments.values().stream().filter(s -> !pendingDrops.contains(s.key())).toList();
    }

    /**
     * The task's processor attaches when the task becomes active here (first start, restart, or a standby promoted).
     * From then on {@code sealsCommitted} is told, on the stream thread right after each commit, which segments' seal
     * requests that commit made durable, and seals may run; writes of this store's archives begun before this
     * moment are taken for an earlier owner's (a standby's store was opened long before it took over).
     */
    void attach(Consumer<List<SegmentKey>> sealsCommitted) {
        this.sealsCommitted = sealsCommitted;
        this.activeSince = Instant.now();
        this.attached = true;
    }

    /**
     * The task's processor closes: the task is closing, or stays here only as a standby. A standby follows the
     * changelog and never seals — the task's active owner does — so running seals stop and none starts until a
     * processor attaches again.
     */
    void detach() {
        attached = false;
        sealsCommitted = keys -> { };
        stopSeals();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        if (!open) {
            return;
        }
        List<SegmentKey> newlyCommittedSeals = new ArrayList<>();
        try {
            List<Manifest.Entry> entries = new ArrayList<>();
            for (UnsealedSegment s : segments.values()) {
                if (pendingDrops.contains(s.key())) {
                    continue;
                }
                s.flush();
                entries.add(s.manifestEntry());
            }
            Long offset = changelogOffsets.isEmpty() ? null : changelogOffsets.values().iterator().next();
            new Manifest(offset, entries).write(dir);
            committedOffset = offset;
            for (SegmentKey k : pendingDrops) {
                UnsealedSegment s = segments.remove(k);
                if (s != null) {
                    s.delete();
                }
            }
            pendingDrops.clear();
            for (UnsealedSegment s : segments.values()) {
                boolean wasCommitted = s.sealCommitted();
                s.committed();
                if (!wasCommitted && s.sealCommitted()) {
                    newlyCommittedSeals.add(s.key());
                } else if (s.sealRequest() == null) {
                    digestCommitted(s);
                }
            }
        } catch (IOException e) {
            throw new ProcessorStateException("task " + taskId + ": cannot commit the unsealed-archive store in "
                    + dir + ": " + e.getMessage(), e);
        }
        if (!newlyCommittedSeals.isEmpty()) {
            sealsCommitted.accept(newlyCommittedSeals);
        }
    }

    /** Digests the newly committed part of an open segment's body in the background, and forces it to disk. */
    private void digestCommitted(UnsealedSegment s) {
        long upTo = s.committedBodyBytes();
        if (upTo <= s.digester().position() || !digesting.add(s.key())) {
            return;
        }
        executor.execute(() -> {
            try {
                s.digester().advanceTo(s.body(), upTo);
                // the seal forces the whole body: what is on the device by then need not be written in its time
                AtomicFiles.forceData(s.body());
            } catch (IOException e) {
                // a dropped segment's file may be gone; sealing digests whatever is left itself
                LOG.debug("task {}: background digest of {} stopped: {}", taskId, s, e.toString());
            } finally {
                digesting.remove(s.key());
            }
        });
    }

    /**
     * Starts sealing {@code key} in the background, unless it is already running. Only a segment whose seal
     * request is committed may be sealed. Its outcome appears in {@link #drainOutcomes()}.
     */
    void startSeal(SegmentKey key) {
        UnsealedSegment s = segments.get(key);
        if (!attached || s == null || !s.sealCommitted() || running.containsKey(key)) {
            return;
        }
        SegmentSealJob job = new SegmentSealJob(s, archives, dialect, activeSince, executor);
        Future<?> f = executor.submit(() -> {
            try {
                outcomes.add(job.call());
            } finally {
                running.remove(key);
            }
        });
        running.put(key, f);
        if (f.isDone()) {
            running.remove(key); // ran at once (a same-thread executor): its finally came before this put
        }
    }

    /** Whether a seal of {@code key} is running. */
    boolean sealing(SegmentKey key) {
        return running.containsKey(key);
    }

    /** Seals that ended since the last call, in the order they ended. */
    List<SealOutcome> drainOutcomes() {
        List<SealOutcome> out = new ArrayList<>();
        for (SealOutcome o; (o = outcomes.poll()) != null; ) {
            out.add(o);
        }
        return out;
    }

    /** The changelog keys of everything a segment holds, for the deletes that drop it (log compaction then frees them). */
    static List<byte[]> keysOf(UnsealedSegment s) {
        List<byte[]> keys = new ArrayList<>();
        try (ItemLog.Records records = ItemLog.read(s.items(), s.committedItemBytes())) {
            while (records.hasNext()) {
                byte[] r = records.next();
                keys.add(keyOf(s, r));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        keys.add(s.key().key(SegmentKey.SEAL, ""));
        return keys;
    }

    /** The changelog key of one record of a segment's item log. */
    private static byte[] keyOf(UnsealedSegment s, byte[] r) {
        String what = "item in " + s.items();
        if (StateCodec.isType(r, StateCodec.RecordType.WRITTEN_FRAME) || StateCodec.isType(r, StateCodec.RecordType.FRAME_ENTRY)) {
            var e = SegmentItems.readFrameIdentity(r, what);
            return s.key().key(SegmentKey.FRAME, frameItem(e.component(), e.sensor(), e.t1()));
        } else if (StateCodec.isType(r, StateCodec.RecordType.CUBOID_ITEM)) {
            var c = SegmentItems.readCuboid(r, what);
            return s.key().key(SegmentKey.CUBOID, cuboidItem(c));
        } else if (StateCodec.isType(r, StateCodec.RecordType.COMPONENT_META)) {
            return s.key().key(SegmentKey.COMPONENT_META, StateRecords.ComponentMetaRecord.decode(r, what).meta().key());
        } else if (StateCodec.isType(r, StateCodec.RecordType.CAMERA_MASKS)) {
            var m = StateRecords.CameraMasksRecord.decode(r, what).masks();
            return s.key().key(SegmentKey.CAMERA_MASKS, masksItem(m));
        }
        var p = SegmentItems.readPose(r, what);
        return s.key().key(SegmentKey.POSE, poseItem(p.source(), p.target(), p.t()));
    }

    /** The item key of one camera's masks: its identity. */
    static String masksItem(dev.itar.frames.CameraMasksFrame m) {
        return m.instance() + "/" + m.camera();
    }

    /** The item key of a cuboid observation: its identity, the free-text track id as hex. */
    static String cuboidItem(dev.itar.frames.CuboidObservationFrame c) {
        return c.instance() + "/" + StoreKeys.hex(c.trackId()) + "/" + c.timestampUs() + "/" + c.referenceFrameId();
    }

    static String frameItem(String component, String sensor, long t1) {
        return component + "/" + sensor + "/" + t1;
    }

    static String poseItem(String source, String target, long t) {
        return source + "/" + target + "/" + t;
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return committedOffset;
    }

    @Override
    @SuppressWarnings("deprecation")
    public boolean managesOffsets() {
        return true;
    }

    @Override
    public long approximateNumUncommittedBytes() {
        long n = 0;
        for (UnsealedSegment s : segments.values()) {
            n += s.uncommittedBytes();
        }
        return n;
    }

    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        attached = false;
        stopSeals();
        for (UnsealedSegment s : segments.values()) {
            try {
                s.releaseHandles();
            } catch (IOException e) {
                LOG.warn("task {}: closing {}: {}", taskId, s, e.toString());
            }
        }
        segments.clear();
        pendingDrops.clear();
        if (referenced != null) {
            try {
                referenced.close();
            } catch (Exception e) {
                LOG.warn("task {}: closing the frames topic's reader: {}", taskId, e.toString());
            }
            referenced = null;
        }
    }

    /** Interrupts the running seals and waits (bounded) for them; whoever owns the task next seals them again. */
    private void stopSeals() {
        running.forEach((k, f) -> f.cancel(true));
        for (var e : new HashMap<>(running).entrySet()) {
            try {
                e.getValue().get(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException x) {
                LOG.warn("task {}: the seal of {} did not stop within {} ms; its next owner seals it again",
                        taskId, e.getKey(), CLOSE_WAIT_MS);
            } catch (Exception x) {
                // cancelled or failed: the next owner seals it again, from the committed state
            }
        }
        running.clear();
        outcomes.clear();
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public Position getPosition() {
        return Position.emptyPosition();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return QueryResult.forUnknownQueryType(query, this);
    }

    @Override
    public long approximateNumEntries() {
        return segments.size();
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        throw unsupported("putIfAbsent");
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        for (KeyValue<Bytes, byte[]> e : entries) {
            apply(e.key.get(), e.value);
        }
    }

    @Override
    public byte[] get(Bytes key) {
        throw unsupported("get");
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        throw unsupported("range");
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        throw unsupported("all");
    }

    private UnsupportedOperationException unsupported(String op) {
        return new UnsupportedOperationException("the " + name + " store holds archives under construction and is not "
                + "read by key (" + op + ")");
    }
}
