package dev.itar.ingest;

import dev.itar.archive.RootDialect;
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
import dev.itar.ingest.RecordingStore.CloseableIterator;
import dev.itar.ingest.StateRecords.FrameRecord;
import dev.itar.ingest.StateRecords.IntrinsicsRecord;
import dev.itar.ingest.StateRecords.PoseRecord;
import dev.itar.ingest.StateRecords.RecordingHeader;
import dev.itar.ingest.StateRecords.SealedRecording;
import dev.itar.ingest.StateRecords.StaticPoseRecord;
import dev.itar.ncore.Chunk;
import dev.itar.ncore.EncodedFrame;
import dev.itar.ncore.FrameEncoder;
import dev.itar.ncore.FrameEntry;
import dev.itar.ncore.SealRequest;
import dev.itar.ncore.SealResult;
import dev.itar.ncore.SequenceSealer;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns the records of one task (one partition of the frames topic) into recordings: validates, encodes each
 * sensor frame into zarr chunks at once, keeps everything in the task's state stores, and seals a recording
 * into its archive on {@code end} or when it has been idle.
 *
 * <h2>Rules (wire-format.md), and decisions where it leaves room</h2>
 * <ul>
 * <li>Key not a valid recording id, value not a valid wire-format record → dead letter (decoder's code and reason).</li>
 * <li>Any record for a sealed recording → dead letter {@code late}; the archive is never reopened.</li>
 * <li>A frame equal to a stored one (same sensor and t1, same value bytes) is a producer retry: ignored and
 *     counted. Same sensor and t1 with other bytes → dead letter {@code conflicting-duplicate}. Poses (same
 *     source, target, t), static poses (same pair) and intrinsics (same kind and sensor) follow the same rule.</li>
 * <li>{@code start} is optional; the first record of any type opens a recording. A {@code start} is accepted
 *     whenever it is the recording's first {@code start}, even after frames: its sequence id and meta apply to
 *     the whole recording (they are only used when sealing). A second {@code start} with the same bytes is a
 *     retry (ignored); with other bytes it is a dead letter {@code second-start}.</li>
 * <li>{@code end} seals (its {@code t} extends the sequence interval). An {@code end} for a recording with no
 *     records yet seals an empty recording.</li>
 * <li>Frames may come in any order; the archive lists them sorted by t1 (the store keys sort them).</li>
 * </ul>
 *
 * <h2>Idle sealing, deterministic under replay</h2>
 * An archive must be a pure function of the topic. Before each record is applied, every open recording of the
 * task whose last record timestamp + idle timeout is before the task's stream time (the largest record
 * timestamp seen so far, kept in the store so a restart continues with it) is sealed. Record timestamps are
 * stored in the topic, so a replay reaches every one of these decisions at the same record.
 *
 * <p>A quiet topic would never advance stream time, so a wall-clock punctuator also seals recordings idle by
 * the same criterion against the wall clock, but only once the task itself has seen no record for the idle
 * timeout (it is caught up: nothing is waiting to be fetched). Such a seal happens at a point where the stream
 * time rule would seal too on replay: every later record of the partition was appended after the punctuation,
 * so with {@code LogAppendTime} (how this application creates the frames topic; or producer clocks that are
 * roughly right) its timestamp is past the recording's last timestamp + idle timeout, and on replay the stream
 * time rule seals the recording before that record is applied. Either way the recording holds the same records,
 * so the archive bytes are the same.
 *
 * <h2>Exactly once</h2>
 * State changes and outputs are committed with the input offsets (exactly_once_v2). Writing the archive is a
 * side effect outside the transaction, made idempotent: its bytes are a function of the stored state, and it
 * appears by atomic rename. After a crash before the commit, the records are processed again and the archive is
 * rewritten with the same bytes.
 */
final class RecordingProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    static final String NAME = "recording-processor";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";
    static final String SEALED_SINK = "sealed-sink";

    private static final Logger LOG = LoggerFactory.getLogger(RecordingProcessor.class);

    private final Path archiveDir;
    private final RootDialect dialect;
    private final long idleTimeoutMs;
    private final Duration idleCheckInterval;
    private final IngestMetrics metrics;
    private final FrameEncoder encoder = new FrameEncoder();
    private final SequenceSealer sealer = new SequenceSealer();

    private ProcessorContext<byte[], byte[]> context;
    private RecordingStore store;
    /**
     * Open recordings of this task → their header, exactly as last written to the store. The store stays the
     * source of truth (every change is written through at once, so it is in the changelog and committed with
     * the record that caused it); this copy only saves decoding the header again for every record, and is
     * rebuilt from the store whenever the processor is initialised (restart, rebalance, task revival).
     * An id in here is never sealed: sealing removes it, and a sealed recording's state is deleted.
     */
    private final SortedMap<String, RecordingHeader> open = new TreeMap<>();
    /** Largest record timestamp this task has seen (persisted). */
    private long streamTime = Long.MIN_VALUE;
    /** Wall-clock time of the last record this task processed (or of init). */
    private long lastRecordWallClock;
    /** When this processor took the task over (real time, as file modification times are): see {@link #seal}. */
    private long initRealTimeMs;

    RecordingProcessor(Path archiveDir, RootDialect dialect, Duration idleTimeout, Duration idleCheckInterval,
                       IngestMetrics metrics) {
        this.archiveDir = archiveDir;
        this.dialect = dialect;
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.idleCheckInterval = idleCheckInterval;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        KeyValueStore<Bytes, byte[]> chunks = context.getStateStore(RecordingStore.CHUNKS);
        KeyValueStore<Bytes, byte[]> state = context.getStateStore(RecordingStore.STATE);
        KeyValueStore<Bytes, byte[]> sealed = context.getStateStore(RecordingStore.SEALED);
        store = new RecordingStore(chunks, state, sealed);
        // a task may be initialised again without close (revived after corruption): start from the store only
        metrics.openRecordingsChanged(-open.size());
        open.clear();
        open.putAll(store.openRecordings());
        streamTime = store.streamTime().orElse(Long.MIN_VALUE);
        metrics.openRecordingsChanged(open.size());
        lastRecordWallClock = context.currentSystemTimeMs();
        initRealTimeMs = System.currentTimeMillis();
        if (!open.isEmpty()) {
            LOG.info("task {}: {} open recording(s) restored: {}", context.taskId(), open.size(), open.keySet());
        }
        context.schedule(idleCheckInterval, PunctuationType.WALL_CLOCK_TIME, this::punctuateWallClock);
    }

    @Override
    public void close() {
        metrics.openRecordingsChanged(-open.size());
        open.clear();
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        lastRecordWallClock = context.currentSystemTimeMs();
        long ts = record.timestamp();
        if (ts > streamTime) {
            streamTime = ts;
            store.putStreamTime(ts);
        }
        sealIdle(streamTime, SealedEvent.TRIGGER_IDLE_STREAM_TIME);

        String id = recordingId(record.key());
        if (id == null) {
            deadLetter(record, null, InvalidRecordException.BAD_KEY, describeBadKey(record.key()));
            return;
        }
        // an open recording is never sealed: no store lookup for the common case
        Optional<SealedRecording> sealed = open.containsKey(id) ? Optional.empty() : store.sealed(id);
        if (sealed.isPresent()) {
            deadLetter(record, null, DeadLetters.LATE, "late for a sealed recording: recording '" + id
                    + "' was already sealed into " + sealed.get().archive() + " (" + sealed.get().trigger()
                    + "); records after its end or idle timeout cannot be added");
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
        String sha = sha256(record.value());
        Outcome outcome;
        try {
            outcome = applyFrame(id, frame, header, sha);
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
                if (frame instanceof StartFrame s) {
                    header = header.started(s.sequenceId().orElse(null), s.meta().isEmpty() ? null : s.meta(), sha);
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
        if (frame instanceof EndFrame e && outcome.kind() == Outcome.Kind.ACCEPTED) {
            header = header.ended(e.t().isPresent() ? e.t().getAsLong() : null);
        }
        store.putHeader(id, header); // written through: the store (and its changelog) stays the source of truth
        if (open.put(id, header) == null) {
            metrics.openRecordingsChanged(1);
        }
        if (frame instanceof EndFrame && outcome.kind() == Outcome.Kind.ACCEPTED) {
            seal(id, SealedEvent.TRIGGER_END, record.timestamp());
        }
    }

    private Outcome applyFrame(String id, Frame frame, RecordingHeader header, String sha) {
        if (frame instanceof StartFrame) {
            return start(header, sha);
        } else if (frame instanceof SensorFrame f) {
            return sensorFrame(id, f, sha);
        } else if (frame instanceof PoseFrame p) {
            return pose(id, p, sha);
        } else if (frame instanceof StaticPoseFrame p) {
            return staticPose(id, p, sha);
        } else if (frame instanceof IntrinsicsFrame i) {
            return intrinsics(id, i, sha);
        } else if (frame instanceof EndFrame) {
            return Outcome.ACCEPTED;
        }
        throw new IllegalStateException("unhandled frame type " + frame.type());
    }

    private Outcome start(RecordingHeader header, String sha) {
        if (header.startSha256() == null) {
            return Outcome.ACCEPTED;
        }
        if (header.startSha256().equals(sha)) {
            return Outcome.DUPLICATE_RECORD;
        }
        return Outcome.deadLetter(DeadLetters.SECOND_START, "the recording already has a start record with other "
                + "content (sequence id " + (header.sequenceId() == null ? "<default>" : "'" + header.sequenceId() + "'")
                + "); a recording has at most one start");
    }

    private Outcome sensorFrame(String id, SensorFrame f, String sha) {
        String component = f.kind() + "s";
        Optional<FrameRecord> existing = store.frame(id, component, f.sensor(), f.t1());
        if (existing.isPresent()) {
            return sameOrConflict(existing.get().sha256(), sha, f.kind() + " frame of sensor '" + f.sensor()
                    + "' at t1=" + f.t1());
        }
        EncodedFrame encoded = encoder.encode(f);
        store.putFrame(id, new FrameRecord(sha, encoded.entry()), encoded.chunks());
        return Outcome.ACCEPTED;
    }

    private Outcome pose(String id, PoseFrame p, String sha) {
        Optional<PoseRecord> existing = store.pose(id, p.source(), p.target(), p.t());
        if (existing.isPresent()) {
            return sameOrConflict(existing.get().sha256(), sha, "pose " + p.source() + " -> " + p.target()
                    + " at t=" + p.t());
        }
        store.putPose(id, new PoseRecord(sha, p));
        return Outcome.ACCEPTED;
    }

    private Outcome staticPose(String id, StaticPoseFrame p, String sha) {
        Optional<StaticPoseRecord> existing = store.staticPose(id, p.source(), p.target());
        if (existing.isPresent()) {
            return sameOrConflict(existing.get().sha256(), sha, "static pose " + p.source() + " -> " + p.target());
        }
        store.putStaticPose(id, new StaticPoseRecord(sha, p));
        return Outcome.ACCEPTED;
    }

    private Outcome intrinsics(String id, IntrinsicsFrame i, String sha) {
        Optional<IntrinsicsRecord> existing = store.intrinsics(id, i.kind(), i.sensor());
        if (existing.isPresent()) {
            return sameOrConflict(existing.get().sha256(), sha, i.kind() + " intrinsics of sensor '" + i.sensor() + "'");
        }
        store.putIntrinsics(id, new IntrinsicsRecord(sha, i));
        return Outcome.ACCEPTED;
    }

    private static Outcome sameOrConflict(String storedSha, String sha, String what) {
        if (storedSha.equals(sha)) {
            return Outcome.DUPLICATE_RECORD;
        }
        return Outcome.deadLetter(DeadLetters.CONFLICTING_DUPLICATE, "the recording already has a " + what
                + " with different content; a repeat must be byte-identical (a producer retry) or use another time");
    }

    /** Seals every open recording whose last record is more than the idle timeout before {@code now}. */
    private void sealIdle(long now, String trigger) {
        if (open.isEmpty() || now == Long.MIN_VALUE) {
            return;
        }
        List<String> idle = new ArrayList<>();
        for (Map.Entry<String, RecordingHeader> e : open.entrySet()) {
            if (e.getValue().lastTimestamp() + idleTimeoutMs < now) {
                idle.add(e.getKey()); // sorted by id: several seals at once happen in the same order on replay
            }
        }
        for (String id : idle) {
            seal(id, trigger, now);
        }
    }

    private void punctuateWallClock(long now) {
        if (now - lastRecordWallClock < idleTimeoutMs) {
            return; // records are still flowing (or we just started): the stream-time rule is in charge
        }
        sealIdle(now, SealedEvent.TRIGGER_IDLE_WALL_CLOCK);
    }

    /**
     * Writes the recording's archive straight from the stores (chunks stream one by one), publishes the sealed
     * event, deletes the recording's state and remembers it as sealed.
     *
     * <p>First it deletes the temp files an earlier owner of this task left when it crashed while sealing this
     * recording (only this task seals this id; see {@link StaleTempFiles} for why only files older than this
     * processor's start).
     */
    private void seal(String id, String trigger, long eventTimestamp) {
        long started = System.nanoTime();
        RecordingHeader cached = open.get(id);
        RecordingHeader header = cached != null ? cached : store.header(id).orElseGet(() -> RecordingHeader.opened(0));
        SealResult result;
        try (CloseableIterator<FrameEntry> frames = store.frames(id);
             CloseableIterator<PoseFrame> poses = store.poses(id);
             CloseableIterator<Chunk> chunks = store.chunks(id)) {
            SealRequest request = new SealRequest(archiveDir, id, header.sequenceHeader(id), frames, poses,
                    store.staticPoses(id), store.intrinsics(id), chunks, dialect);
            deleteStaleTempFiles(id, request);
            result = sealer.seal(request);
        } catch (IOException e) {
            // disk full, archive directory not writable, ...: not the record's fault; stop and let the
            // operator fix it (exactly-once: nothing is lost, the seal is retried on restart)
            throw new StreamsException("cannot write the archive of recording '" + id + "' into " + archiveDir
                    + ": " + e.getMessage(), e);
        }
        long nanos = System.nanoTime() - started;
        context.forward(new Record<>(id.getBytes(StandardCharsets.UTF_8),
                SealedEvent.json(id, header, result, trigger), eventTimestamp, new RecordHeaders()), SEALED_SINK);
        long deletedKeys = store.delete(id);
        store.markSealed(id, new SealedRecording(header.effectiveSequenceId(id), result.archive().getFileName()
                .toString(), result.bytes(), result.sha256(), trigger, header.lastTimestamp()));
        open.remove(id);
        metrics.openRecordingsChanged(-1);
        metrics.sealed(trigger, nanos, result.bytes());
        LOG.info("sealed recording '{}' ({}): {} bytes, sha256 {}, frames {}, {} ms, {} state keys deleted",
                id, trigger, result.bytes(), result.sha256(), result.framesPerSensor(), nanos / 1_000_000, deletedKeys);
    }

    private void deleteStaleTempFiles(String id, SealRequest request) {
        try {
            List<Path> deleted = StaleTempFiles.delete(archiveDir,
                    List.of(request.archiveFileName(), request.sequenceMetaFileName()), initRealTimeMs);
            if (!deleted.isEmpty()) {
                LOG.info("recording '{}': deleted temp files left by an interrupted seal: {}", id, deleted);
            }
        } catch (IOException e) {
            // only litter: the seal itself writes new temp files and does not need these gone
            LOG.warn("recording '{}': cannot delete temp files of an interrupted seal in {}: {}", id, archiveDir,
                    e.toString());
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, String openId, String code, String reason) {
        RecordingHeader cached = openId == null ? null : open.get(openId);
        if (cached != null) {
            RecordingHeader header = cached.seen(record.timestamp()).deadLetter();
            store.putHeader(openId, header);
            open.put(openId, header);
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

    static String sha256(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** What became of one decoded record. */
    private record Outcome(Kind kind, String code, String reason) {
        enum Kind { ACCEPTED, DUPLICATE, DEAD_LETTER }

        static final Outcome ACCEPTED = new Outcome(Kind.ACCEPTED, null, null);
        static final Outcome DUPLICATE_RECORD = new Outcome(Kind.DUPLICATE, null, null);

        static Outcome deadLetter(String code, String reason) {
            return new Outcome(Kind.DEAD_LETTER, code, reason);
        }
    }
}
