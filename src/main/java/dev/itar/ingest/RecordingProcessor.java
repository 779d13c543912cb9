package dev.itar.ingest;

import dev.itar.frames.CameraMasksFrame;
import dev.itar.frames.ComponentMetaFrame;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.frames.EndFrame;
import dev.itar.frames.Frame;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.InvalidRecordException;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.RecordingIds;
import dev.itar.frames.SensorFrame;
import dev.itar.frames.StartFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.frames.WireDecoder;
import dev.itar.ingest.StateRecords.CameraMasksRecord;
import dev.itar.ingest.StateRecords.ComponentMetaRecord;
import dev.itar.ingest.StateRecords.IntrinsicsRecord;
import dev.itar.ingest.StateRecords.RecordingHeader;
import dev.itar.ingest.StateRecords.SealedRecording;
import dev.itar.ingest.StateRecords.StaticPoseRecord;
import dev.itar.ncore.EncodedFrame;
import dev.itar.ncore.FrameEncoder;
import dev.itar.storage.ArchiveStore;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the records of one task (one partition of the frames topic) into recordings: validates, encodes each
 * sensor frame into zarr chunks at once and appends them to its segment's archive under construction (the
 * {@link UnsealedArchiveStore}), keeps the small per-recording state in RocksDB ({@link RecordingStore}), and
 * seals segments as they complete and the rest when the recording ends or goes idle — in the background, so a
 * seal never holds up the records of other recordings.
 *
 * <h2>Rules (docs/wire-format.md), and decisions where it leaves room</h2>
 * <ul>
 * <li>Key not a valid recording id, value not a valid wire-format record → dead letter (decoder's code and reason).</li>
 * <li>Any record for a sealed recording, for a recording being sealed, or that would belong to a segment
 *     already sealed → dead letter {@code late}; an archive is never reopened.</li>
 * <li>A frame equal to a stored one (same sensor and t1, same value bytes) is a producer retry: ignored and
 *     counted. Same sensor and t1 with other bytes → dead letter {@code conflicting-duplicate}. Poses (same
 *     source, target, t), static poses (same pair) and intrinsics (same kind and sensor) follow the same rule.</li>
 * <li>{@code start} is optional; the first record of any type opens a recording. Its sequence id and meta apply
 *     to the whole recording; a second {@code start} with the same bytes is a retry, with other bytes a dead letter
 *     {@code second-start}. Static poses, intrinsics, component meta data (identity: component and instance) and
 *     camera masks (identity: instance and camera) hold for the whole recording: they go into every segment sealed
 *     after they arrive, repeats and conflicts told apart as for frames.</li>
 * <li>A cuboid observation belongs to the segment of its {@code timestamp_us}, like a frame to that of its t1, and
 *     is late, a retry or a conflict by the same rules (identity: instance, track id, timestamp, reference
 *     frame); a segment lists them in the order they arrived.</li>
 * <li>{@code end} closes the recording (its {@code t} extends the last segment's interval): every open segment is
 *     sealed. An {@code end} for a recording with no records yet seals an empty recording.</li>
 * <li>Frames may come in any order within a segment; the archive lists them sorted by t1.</li>
 * </ul>
 *
 * <h2>Segments and idle sealing, deterministic under replay</h2>
 * {@link SegmentPolicy} cuts by sensor time, so a replay cuts at the same points. A recording goes idle when its
 * last record timestamp + idle timeout is before the task's stream time (the largest record timestamp seen, kept
 * in the store so a restart continues with it); record timestamps are stored in the topic, so a replay reaches
 * every decision at the same record. A wall-clock punctuator seals recordings idle by the same criterion against
 * the wall clock, but only once the task has seen no record for the idle timeout: every later record of the
 * partition was appended after the punctuation, so with {@code LogAppendTime} (how this application creates the
 * frames topic) the stream-time rule seals the recording at the same point on replay.
 *
 * <h2>Sealing, exactly once</h2>
 * Deciding to seal a segment writes a seal request to the unsealed-archive store; once that is committed (with
 * the records that led to it) the store seals the segment on a background thread: node metadata, index and
 * header are appended to the archive built so far and it is renamed into the archive directory. When that is
 * done this processor, on its own thread, publishes the sealed event, deletes the segment's state and records the
 * recording as sealed once its last segment is — all in one transaction. A crash anywhere leaves either the
 * committed request (the seal runs again, giving the same bytes) or the committed result. A seal that fails for
 * a storage reason (no space, no permission, an I/O error) leaves its segment pending and is retried with
 * backoff while every other recording flows on.
 */
final class RecordingProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    static final String NAME = "recording-processor";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";
    static final String SEALED_SINK = "sealed-sink";
    /** How often finished seals are published and failed ones retried. */
    static final Duration SEAL_POLL = Duration.ofMillis(50);

    private static final Logger LOG = LoggerFactory.getLogger(RecordingProcessor.class);

    private final ArchiveStore archives;
    private final SegmentPolicy policy;
    private final long idleTimeoutMs;
    private final Duration idleCheckInterval;
    private final IngestMetrics metrics;
    private final UnsealedArchiveStoreSupplier unsealedStores;
    private final long retryFirstMs;
    private final long retryMaxMs;
    private final FrameEncoder encoder = new FrameEncoder();

    private ProcessorContext<byte[], byte[]> context;
    private RecordingStore store;
    /** The unsealed-archive store as Kafka Streams hands it out: every put and delete goes to its changelog. */
    private KeyValueStore<Bytes, byte[]> unsealedLog;
    /** The same store, for what only it knows (its segments, its seals). */
    private UnsealedArchiveStore unsealed;
    /**
     * Open recordings of this task → their header, exactly as last written to the store (which stays the source of
     * truth; this copy saves decoding the header for every record and is rebuilt from the store on init).
     */
    private final SortedMap<String, RecordingHeader> open = new TreeMap<>();
    /** Failed seals waiting for their retry. */
    private final Map<SegmentKey, Retry> retries = new HashMap<>();
    private long streamTime = Long.MIN_VALUE;
    private long lastRecordWallClock;

    RecordingProcessor(ArchiveStore archives, SegmentPolicy policy, Duration idleTimeout,
                       Duration idleCheckInterval, Duration retryFirst, Duration retryMax, IngestMetrics metrics,
                       UnsealedArchiveStoreSupplier unsealedStores) {
        this.archives = archives;
        this.retryFirstMs = retryFirst.toMillis();
        this.retryMaxMs = retryMax.toMillis();
        this.policy = policy;
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.idleCheckInterval = idleCheckInterval;
        this.metrics = metrics;
        this.unsealedStores = unsealedStores;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        store = new RecordingStore(context.getStateStore(RecordingStore.STATE),
                context.getStateStore(RecordingStore.SEALED));
        unsealedLog = context.getStateStore(UnsealedArchiveStoreSupplier.NAME);
        unsealed = unsealedStores.storeOf(context.taskId());
        unsealed.attach(keys -> keys.forEach(unsealed::startSeal));
        // a task may be initialised again without close (revived after corruption): start from the store only
        metrics.openRecordingsChanged(-open.size());
        open.clear();
        retries.clear();
        open.putAll(store.openRecordings());
        streamTime = store.streamTime().orElse(Long.MIN_VALUE);
        metrics.openRecordingsChanged(open.size());
        lastRecordWallClock = context.currentSystemTimeMs();
        for (UnsealedSegment s : unsealed.segments()) {
            if (s.sealCommitted()) {
                unsealed.startSeal(s.key()); // a seal the previous owner did not finish
            }
        }
        if (!open.isEmpty()) {
            LOG.info("task {}: {} open recording(s) restored: {}", context.taskId(), open.size(), open.keySet());
        }
        context.schedule(idleCheckInterval, PunctuationType.WALL_CLOCK_TIME, this::punctuateIdle);
        context.schedule(SEAL_POLL, PunctuationType.WALL_CLOCK_TIME, now -> finishSeals(now));
    }

    @Override
    public void close() {
        if (unsealed != null) {
            unsealed.detach(); // the task closes, or stays here as a standby, which must not seal
        }
        metrics.openRecordingsChanged(-open.size());
        open.clear();
        retries.keySet().forEach(k -> metrics.sealRecovered(k.recordingId(), k.segment()));
        retries.clear();
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        finishSeals(context.currentSystemTimeMs());
        lastRecordWallClock = context.currentSystemTimeMs();
        long ts = record.timestamp();
        if (ts > streamTime) {
            streamTime = ts;
            store.putStreamTime(ts);
        }
        closeIdle(streamTime, SealedEvent.TRIGGER_IDLE_STREAM_TIME);

        String id = recordingId(record.key());
        if (id == null) {
            emitDeadLetter(record, InvalidRecordException.BAD_KEY, describeBadKey(record.key()));
            return;
        }
        RecordingHeader header = open.get(id);
        if (header == null) {
            Optional<SealedRecording> sealed = store.sealed(id);
            if (sealed.isPresent()) {
                emitDeadLetter(record, DeadLetters.LATE, "late for a sealed recording: recording '" + id
                        + "' was already sealed (" + sealed.get().trigger() + ") into " + sealed.get().segments()
                        + " archive(s), the last " + sealed.get().lastArchive() + "; records after its end or idle "
                        + "timeout cannot be added");
                return;
            }
        } else if (header.isClosing()) {
            deadLetter(record, id, DeadLetters.LATE, "late for a sealed recording: recording '" + id + "' is being "
                    + "sealed (" + header.closing() + "); records after its end or idle timeout cannot be added");
            return;
        }
        Frame frame;
        try {
            frame = WireDecoder.decode(id, record.value());
        } catch (InvalidRecordException e) {
            deadLetter(record, id, e.code(), e.reason());
            return;
        }
        apply(id, frame, record);
    }

    private void apply(String id, Frame frame, Record<byte[], byte[]> record) {
        RecordingHeader cached = open.get(id);
        boolean wasOpen = cached != null;
        RecordingHeader header = (wasOpen ? cached : RecordingHeader.opened(record.timestamp()))
                .seen(record.timestamp());
        Outcome outcome;
        try {
            outcome = applyFrame(id, frame, header, record.value());
        } catch (IllegalArgumentException e) {
            // the wire decoder accepted it but ncore's encoder did not: still bad input, never a crash
            outcome = Outcome.deadLetter(DeadLetters.REJECTED, "the " + frame.type() + " record is valid on the wire "
                    + "but cannot be stored in an ncore archive: " + e.getMessage());
        }
        if (outcome.kind() == Outcome.Kind.DEAD_LETTER && !wasOpen) {
            emitDeadLetter(record, outcome.code(), outcome.reason()); // bad input does not open a recording
            return;
        }
        switch (outcome.kind()) {
            case ACCEPTED -> {
                header = outcome.header() != null ? outcome.header() : header;
                if (frame instanceof StartFrame s) {
                    header = header.started(s.sequenceId().orElse(null), s.meta().isEmpty() ? null : s.meta(),
                            RecordFingerprint.of(record.value()));
                }
                header = header.accepted(frame.type());
                metrics.recordAccepted(frame.type(), record.value().length);
            }
            case DUPLICATE -> {
                header = header.duplicate();
                metrics.duplicate();
            }
            case DEAD_LETTER -> {
                header = header.deadLetter();
                emitDeadLetter(record, outcome.code(), outcome.reason());
            }
        }
        boolean ends = frame instanceof EndFrame && outcome.kind() == Outcome.Kind.ACCEPTED;
        if (ends) {
            EndFrame e = (EndFrame) frame;
            header = header.ended(e.t().isPresent() ? e.t().getAsLong() : null);
        }
        putHeader(id, header);
        if (ends) {
            close(id, SealedEvent.TRIGGER_END, record.timestamp());
        } else if (outcome.kind() == Outcome.Kind.ACCEPTED) {
            sealCompleteSegments(id, record.timestamp());
        }
    }

    /** Writes the header through to the store (and its changelog), which stays the source of truth. */
    private void putHeader(String id, RecordingHeader header) {
        store.putHeader(id, header);
        if (open.put(id, header) == null) {
            metrics.openRecordingsChanged(1);
        }
    }

    /**
     * Applies one decoded record. Its {@code value} is fingerprinted only where the record is stored or compared
     * with a stored one, so each record's bytes are read for it at most once.
     */
    private Outcome applyFrame(String id, Frame frame, RecordingHeader header, byte[] value) {
        if (frame instanceof StartFrame) {
            return start(id, header, value);
        } else if (frame instanceof SensorFrame f) {
            return sensorFrame(id, f, header, value);
        } else if (frame instanceof PoseFrame p) {
            return pose(id, p, header, value);
        } else if (frame instanceof StaticPoseFrame p) {
            return staticPose(id, p, value);
        } else if (frame instanceof IntrinsicsFrame i) {
            return intrinsics(id, i, value);
        } else if (frame instanceof ComponentMetaFrame m) {
            return componentMeta(id, m, value);
        } else if (frame instanceof CameraMasksFrame m) {
            return cameraMasks(id, m, value);
        } else if (frame instanceof CuboidObservationFrame c) {
            return cuboid(id, c, header, value);
        } else if (frame instanceof EndFrame) {
            return Outcome.ACCEPTED;
        }
        // every type the decoder returns has its rule above; a type added to the wire format before ingest can store
        // it is bad input for this release, never a crash
        return Outcome.deadLetter(DeadLetters.REJECTED, "this release of itar-ingest cannot store " + frame.type()
                + " records yet");
    }

    private Outcome start(String id, RecordingHeader header, byte[] value) {
        if (header.startFingerprint() == null) {
            return Outcome.ACCEPTED;
        }
        if (RecordFingerprint.matches(header.startFingerprint(), value, storedOf(id, "start record"))) {
            return Outcome.DUPLICATE_RECORD;
        }
        return Outcome.deadLetter(DeadLetters.SECOND_START, "the recording already has a start record with other "
                + "content (sequence id " + (header.sequenceId() == null ? "<default>" : "'" + header.sequenceId() + "'")
                + "); a recording has at most one start");
    }

    private Outcome sensorFrame(String id, SensorFrame f, RecordingHeader header, byte[] value) {
        String component = f.kind() + "s";
        long origin = header.origin() != null ? header.origin() : f.t1();
        int segment = policy.segmentOf(origin, f.t1());
        Outcome late = lateForSegment(id, header, segment, f.kind() + " frame of sensor '" + f.sensor() + "' at t1="
                + f.t1());
        if (late != null) {
            return late;
        }
        Optional<String> existing = store.frameFingerprint(id, segment, component, f.sensor(), f.t1());
        if (existing.isPresent()) {
            return sameOrConflict(id, existing.get(), value, f.kind() + " frame of sensor '" + f.sensor() + "' at t1="
                    + f.t1());
        }
        EncodedFrame encoded = encoder.encode(f);
        byte[] key = new SegmentKey(id, segment).key(SegmentKey.FRAME,
                UnsealedArchiveStore.frameItem(component, f.sensor(), f.t1()));
        // the changelog names the input record instead of carrying the encoded chunks a second time: a restore
        // reads it again and encodes it the same way; the store appends what was encoded here
        RecordMetadata input = context.recordMetadata().orElseThrow(
                () -> new IllegalStateException("a frame record without its topic, partition and offset"));
        int crc32c = RecordFingerprint.crc32c(value); // one pass over a multi-MB value for both
        unsealed.stageFrame(key, SegmentItems.frame(encoded.entry(), encoded.chunks()));
        unsealedLog.put(Bytes.wrap(key), SegmentItems.frameAt(new SegmentItems.FrameAt(input.partition(),
                input.offset(), value.length, crc32c)));
        store.putFrameFingerprint(id, segment, component, f.sensor(), f.t1(), RecordFingerprint.of(value, crc32c));
        return Outcome.accepted(header.sensorTime(f.t1()).data(encoded.entry().chunkBytes()));
    }

    private Outcome pose(String id, PoseFrame p, RecordingHeader header, byte[] value) {
        long origin = header.origin() != null ? header.origin() : p.t();
        int segment = policy.segmentOf(origin, p.t());
        String what = "pose " + p.source() + " -> " + p.target() + " at t=" + p.t();
        Outcome late = lateForSegment(id, header, segment, what);
        if (late != null) {
            return late;
        }
        Optional<String> existing = store.poseFingerprint(id, segment, p.source(), p.target(), p.t());
        if (existing.isPresent()) {
            return sameOrConflict(id, existing.get(), value, what);
        }
        byte[] item = SegmentItems.pose(p);
        String itemKey = UnsealedArchiveStore.poseItem(p.source(), p.target(), p.t());
        for (int k : policy.segmentsOfPose(origin, p.t())) {
            // a neighbour already sealed keeps the poses it had
            if (k == segment || header.watermark() == null || !policy.closed(origin, header.watermark(), k)) {
                unsealedLog.put(Bytes.wrap(new SegmentKey(id, k).key(SegmentKey.POSE, itemKey)), item);
            }
        }
        store.putPoseFingerprint(id, segment, p.source(), p.target(), p.t(), RecordFingerprint.of(value));
        return Outcome.accepted(header.sensorTime(p.t()));
    }

    /** A dead letter if {@code segment} of the recording is complete (sealed or being sealed), else null. */
    private Outcome lateForSegment(String id, RecordingHeader header, int segment, String what) {
        if (header.origin() == null || header.watermark() == null
                || !policy.closed(header.origin(), header.watermark(), segment)) {
            return null;
        }
        return Outcome.deadLetter(DeadLetters.LATE, "late for a sealed segment: the " + what + " belongs to segment "
                + segment + " of recording '" + id + "' (sensor time up to " + policy.stop(header.origin(), segment)
                + " us), which was sealed once the recording's sensor time reached " + header.watermark() + " us "
                + "(grace " + policy.graceUs() + " us)");
    }

    private Outcome staticPose(String id, StaticPoseFrame p, byte[] value) {
        Optional<StaticPoseRecord> existing = store.staticPose(id, p.source(), p.target());
        if (existing.isPresent()) {
            return sameOrConflict(id, existing.get().fingerprint(), value,
                    "static pose " + p.source() + " -> " + p.target());
        }
        store.putStaticPose(id, new StaticPoseRecord(RecordFingerprint.of(value), p));
        return Outcome.ACCEPTED;
    }

    private Outcome intrinsics(String id, IntrinsicsFrame i, byte[] value) {
        Optional<IntrinsicsRecord> existing = store.intrinsics(id, i.kind(), i.sensor());
        if (existing.isPresent()) {
            return sameOrConflict(id, existing.get().fingerprint(), value,
                    i.kind() + " intrinsics of sensor '" + i.sensor() + "'");
        }
        store.putIntrinsics(id, new IntrinsicsRecord(RecordFingerprint.of(value), i));
        return Outcome.ACCEPTED;
    }

    private Outcome componentMeta(String id, ComponentMetaFrame m, byte[] value) {
        Optional<ComponentMetaRecord> existing = store.componentMeta(id, m.component(), m.instance());
        if (existing.isPresent()) {
            return sameOrConflict(id, existing.get().fingerprint(), value, "component meta data of " + m.key());
        }
        store.putComponentMeta(id, new ComponentMetaRecord(RecordFingerprint.of(value), m));
        return Outcome.ACCEPTED;
    }

    private Outcome cameraMasks(String id, CameraMasksFrame m, byte[] value) {
        Optional<CameraMasksRecord> existing = store.cameraMasks(id, m.instance(), m.camera());
        if (existing.isPresent()) {
            return sameOrConflict(id, existing.get().fingerprint(), value, "set of masks of camera '" + m.camera()
                    + "' in masks instance '" + m.instance() + "'");
        }
        store.putCameraMasks(id, new CameraMasksRecord(RecordFingerprint.of(value), m));
        return Outcome.ACCEPTED;
    }

    private Outcome cuboid(String id, CuboidObservationFrame c, RecordingHeader header, byte[] value) {
        long t = c.timestampUs();
        long origin = header.origin() != null ? header.origin() : t;
        int segment = policy.segmentOf(origin, t);
        String what = "cuboid observation of track '" + c.trackId() + "' at timestamp_us=" + t + " (reference frame '"
                + c.referenceFrameId() + "', cuboids instance '" + c.instance() + "')";
        Outcome late = lateForSegment(id, header, segment, what);
        if (late != null) {
            return late;
        }
        Optional<String> existing = store.cuboidFingerprint(id, segment, c.instance(), c.trackId(), t,
                c.referenceFrameId());
        if (existing.isPresent()) {
            return sameOrConflict(id, existing.get(), value, what);
        }
        unsealedLog.put(Bytes.wrap(new SegmentKey(id, segment).key(SegmentKey.CUBOID,
                UnsealedArchiveStore.cuboidItem(c))), SegmentItems.cuboid(c));
        store.putCuboidFingerprint(id, segment, c.instance(), c.trackId(), t, c.referenceFrameId(),
                RecordFingerprint.of(value));
        return Outcome.accepted(header.sensorTime(t));
    }

    private static Outcome sameOrConflict(String id, String stored, byte[] value, String what) {
        if (RecordFingerprint.matches(stored, value, storedOf(id, what))) {
            return Outcome.DUPLICATE_RECORD;
        }
        return Outcome.deadLetter(DeadLetters.CONFLICTING_DUPLICATE, "the recording already has a " + what
                + " with different content; a repeat must be byte-identical (a producer retry) or use another time");
    }

    /** Requests the seal of every segment of an open recording that its watermark has completed. */
    private void sealCompleteSegments(String id, long eventTimestamp) {
        RecordingHeader header = open.get(id);
        if (!policy.cuts() || header.origin() == null || header.watermark() == null) {
            return;
        }
        for (UnsealedSegment s : unsealed.segmentsOf(id)) {
            if (s.sealRequest() == null && policy.closed(header.origin(), header.watermark(), s.key().segment())) {
                if (s.contentItems() == 0) {
                    drop(s); // only the poses overlapping from a neighbour
                } else {
                    requestSeal(id, s.key(), SealedEvent.TRIGGER_SEGMENT, eventTimestamp, false);
                }
            }
        }
    }

    /**
     * Closes a recording: seals every segment it still has (a recording that never got past its first segment is
     * sealed whole, under its own name and sequence id); later records for it are late.
     */
    private void close(String id, String trigger, long eventTimestamp) {
        RecordingHeader header = open.get(id).closing(trigger, eventTimestamp);
        putHeader(id, header);
        List<UnsealedSegment> left = unsealed.segmentsOf(id).stream().filter(s -> s.sealRequest() == null).toList();
        boolean anyFrames = header.sealedSegments() > 0 || left.stream().anyMatch(s -> s.contentItems() > 0);
        List<UnsealedSegment> toSeal = new ArrayList<>();
        for (UnsealedSegment s : left) {
            if (s.contentItems() > 0 || !anyFrames) {
                toSeal.add(s); // a recording without frames keeps its poses
            } else {
                drop(s); // only the poses overlapping from a neighbour
            }
        }
        boolean alone = header.sealedSegments() == 0 && unsealed.segmentsOf(id).size() == toSeal.size();
        if (alone && toSeal.isEmpty()) {
            // nothing but start/end, static poses or intrinsics: an empty sequence still gets its archive
            requestSeal(id, new SegmentKey(id, 0), trigger, eventTimestamp, true);
            return;
        }
        boolean whole = alone && toSeal.size() == 1 && toSeal.get(0).key().segment() == 0;
        for (UnsealedSegment s : toSeal) {
            requestSeal(id, s.key(), trigger, eventTimestamp, whole);
        }
        if (unsealed.segmentsOf(id).isEmpty()) {
            complete(id, "(no archive)");
        }
    }

    /** Drops a segment without sealing it: deletes of its keys drop it from the store and its changelog. */
    private void drop(UnsealedSegment s) {
        UnsealedArchiveStore.keysOf(s).forEach(k -> unsealedLog.delete(Bytes.wrap(k)));
    }

    /**
     * Writes the seal request of a segment; the seal starts once the request is committed.
     *
     * @param whole the segment is the whole recording: named and identified as the recording itself
     */
    private void requestSeal(String id, SegmentKey key, String trigger, long eventTimestamp, boolean whole) {
        RecordingHeader header = open.get(id);
        boolean cut = policy.cuts() && !whole;
        String suffix = cut ? "-" + String.format("%05d", key.segment()) : "";
        long origin = header.origin() == null ? 0 : header.origin();
        SegmentItems.SealRequest request = new SegmentItems.SealRequest(id, key.segment(),
                id + suffix + ".ncore4.zarr.itar", id + suffix + ".json",
                header.sequenceHeader(header.effectiveSequenceId(id) + suffix), store.staticPoses(id),
                store.intrinsics(id), trigger, cut ? policy.start(origin, key.segment()) : Long.MIN_VALUE,
                cut ? policy.stop(origin, key.segment()) : Long.MAX_VALUE, eventTimestamp);
        putRecordingItems(id, key);
        unsealedLog.put(Bytes.wrap(key.key(SegmentKey.SEAL, "")), SegmentItems.sealRequest(request));
        context.commit(); // the seal starts once the request is committed: the sooner the better
    }

    /**
     * Puts the recording's component meta data and camera masks, as they stand now, into the segment about to be
     * sealed (sorted by their identity, so a replay puts the same items in the same order).
     */
    private void putRecordingItems(String id, SegmentKey key) {
        store.forEachRecordingItem(id, (kind, value) -> {
            if (kind.equals(StoreKeys.COMPONENT_META)) {
                ComponentMetaFrame m = ComponentMetaRecord.decode(value, "component meta of '" + id + "'").meta();
                unsealedLog.put(Bytes.wrap(key.key(SegmentKey.COMPONENT_META, m.key())), value);
            } else {
                CameraMasksFrame m = CameraMasksRecord.decode(value, "camera masks of '" + id + "'").masks();
                unsealedLog.put(Bytes.wrap(key.key(SegmentKey.CAMERA_MASKS, UnsealedArchiveStore.masksItem(m))), value);
            }
        });
    }

    /** Publishes the seals that finished, and retries failed ones that are due. */
    private void finishSeals(long now) {
        for (SealOutcome o : unsealed.drainOutcomes()) {
            if (o.succeeded()) {
                sealed(o);
            } else {
                failed(o, now);
            }
        }
        for (var e : new ArrayList<>(retries.entrySet())) {
            if (e.getValue().dueAt() <= now && !unsealed.sealing(e.getKey())) {
                unsealed.startSeal(e.getKey());
            }
        }
    }

    private void sealed(SealOutcome o) {
        SegmentKey key = o.key();
        String id = key.recordingId();
        RecordingHeader header = open.get(id);
        Optional<UnsealedSegment> segment = unsealed.segment(key);
        if (header == null || segment.isEmpty()) {
            LOG.warn("task {}: sealed {} of recording '{}' no longer belongs to an open recording; ignored",
                    context.taskId(), key.segment(), id);
            return;
        }
        if (retries.remove(key) != null) {
            metrics.sealRecovered(id, key.segment());
        }
        for (byte[] k : o.segmentKeys()) {
            unsealedLog.delete(Bytes.wrap(k)); // the changelog forgets the segment (compaction frees it)
        }
        store.deleteSegment(id, key.segment());
        header = header.segmentSealed(o.sealed().bytes());
        boolean complete = header.isClosing() && unsealed.segmentsOf(id).isEmpty();
        context.forward(new Record<>(id.getBytes(StandardCharsets.UTF_8), SealedEvent.json(id, header, o.request(),
                o.sealed(), archives, complete), o.request().eventTimestamp(), new RecordHeaders()), SEALED_SINK);
        metrics.sealed(o.request().trigger(), o.nanos(), o.sealed().bytes());
        LOG.info("sealed {} ({}): {} bytes, sha256 {}, frames {}, {} ms", o.sealed().archiveName(),
                o.request().trigger(), o.sealed().bytes(), o.sealed().sha256(), o.sealed().framesPerSensor(),
                o.nanos() / 1_000_000);
        putHeader(id, header);
        if (complete) {
            complete(id, o.sealed().archiveName());
        }
        context.commit();
    }

    /** The recording's last segment is sealed: its state goes, and it is remembered as sealed. */
    private void complete(String id, String lastArchive) {
        RecordingHeader header = open.remove(id);
        metrics.openRecordingsChanged(-1);
        long deleted = store.delete(id);
        store.markSealed(id, new SealedRecording(header.effectiveSequenceId(id), header.sealedSegments(), lastArchive,
                header.sealedBytes(), header.closing(), header.lastTimestamp()));
        LOG.info("recording '{}' sealed ({}): {} archive(s), {} bytes, {} state keys deleted", id, header.closing(),
                header.sealedSegments(), header.sealedBytes(), deleted);
    }

    private void failed(SealOutcome o, long now) {
        Retry before = retries.get(o.key());
        int attempt = before == null ? 1 : before.attempt() + 1;
        long delay = Math.min(retryMaxMs, retryFirstMs << Math.min(attempt - 1, 16));
        String reason = o.failure().getMessage() == null ? o.failure().toString() : o.failure().getMessage();
        retries.put(o.key(), new Retry(attempt, now + delay, reason));
        metrics.sealFailed(o.key().recordingId(), o.key().segment(), reason);
        LOG.warn("task {}: sealing segment {} of recording '{}' failed (attempt {}), retrying in {} ms; other "
                        + "recordings go on: {}", context.taskId(), o.key().segment(), o.key().recordingId(), attempt,
                delay, reason, o.failure());
    }

    /** Closes every open recording whose last record is more than the idle timeout before {@code now}. */
    private void closeIdle(long now, String trigger) {
        if (open.isEmpty() || now == Long.MIN_VALUE) {
            return;
        }
        List<String> idle = new ArrayList<>();
        for (Map.Entry<String, RecordingHeader> e : open.entrySet()) {
            if (!e.getValue().isClosing() && e.getValue().lastTimestamp() + idleTimeoutMs < now) {
                idle.add(e.getKey()); // sorted by id: several seals at once happen in the same order on replay
            }
        }
        for (String id : idle) {
            close(id, trigger, now);
        }
    }

    private void punctuateIdle(long now) {
        if (now - lastRecordWallClock < idleTimeoutMs) {
            return; // records are still flowing (or we just started): the stream-time rule is in charge
        }
        closeIdle(now, SealedEvent.TRIGGER_IDLE_WALL_CLOCK);
    }

    private void deadLetter(Record<byte[], byte[]> record, String openId, String code, String reason) {
        RecordingHeader cached = openId == null ? null : open.get(openId);
        if (cached != null) {
            putHeader(openId, cached.seen(record.timestamp()).deadLetter());
        }
        emitDeadLetter(record, code, reason);
    }

    private void emitDeadLetter(Record<byte[], byte[]> record, String code, String reason) {
        metrics.deadLetter(code);
        context.recordMetadata().ifPresentOrElse(
                m -> LOG.debug("dead letter {}-{}@{}: {}: {}", m.topic(), m.partition(), m.offset(), code, reason),
                () -> LOG.debug("dead letter: {}: {}", code, reason));
        context.forward(DeadLetters.of(record, code, reason, context.recordMetadata()), DEAD_LETTER_SINK);
    }

    /** The key as a recording id, or null when it is missing, not UTF-8 or not a valid id. */
    private static String recordingId(byte[] key) {
        if (key == null) {
            return null;
        }
        try {
            String id = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key)).toString();
            return RecordingIds.isValid(id) ? id : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String describeBadKey(byte[] key) {
        if (key == null) {
            return "the record has no key; the key must be the recording id, matching " + RecordingIds.syntax();
        }
        try {
            RecordingIds.requireValid(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key)).toString());
            return "invalid recording id";
        } catch (CharacterCodingException e) {
            return "the record key (" + key.length + " bytes) is not UTF-8 text; it must be the recording id, matching "
                    + RecordingIds.syntax();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Names the state entry holding a record's fingerprint, for an error about it. */
    private static String storedOf(String id, String what) {
        return RecordingStore.STATE + " entry of the " + what + " of recording '" + id + "'";
    }

    /** A failed seal: how many attempts so far, when the next one is due (wall clock), and why the last failed. */
    private record Retry(int attempt, long dueAt, String reason) {
    }

    /** What became of one decoded record; an accepted frame or pose brings the header its sensor time moved. */
    private record Outcome(Kind kind, String code, String reason, RecordingHeader header) {
        enum Kind { ACCEPTED, DUPLICATE, DEAD_LETTER }

        static final Outcome ACCEPTED = new Outcome(Kind.ACCEPTED, null, null, null);
        static final Outcome DUPLICATE_RECORD = new Outcome(Kind.DUPLICATE, null, null, null);

        static Outcome accepted(RecordingHeader header) {
            return new Outcome(Kind.ACCEPTED, null, null, header);
        }

        static Outcome deadLetter(String code, String reason) {
            return new Outcome(Kind.DEAD_LETTER, code, reason, null);
        }
    }
}
