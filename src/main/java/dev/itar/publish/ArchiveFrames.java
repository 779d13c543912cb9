package dev.itar.publish;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.frames.CameraMasksFrame;
import dev.itar.frames.ComponentMetaFrame;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.frames.EndFrame;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.InvalidRecordException;
import dev.itar.frames.SensorFrame;
import dev.itar.frames.WireDecoder;
import dev.itar.frames.WireEncoder;
import dev.itar.frames.Frame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.RecordingIds;
import dev.itar.frames.StartFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.ncore.SequenceCoverage;
import dev.itar.ncore.SequenceHeader;
import dev.itar.ncore.SequenceReader;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import dev.itar.archive.ByteSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The content of an ncore v4 archive (zarr v3 or legacy v2, one store or split into component-group stores) as the
 * wire-format records a vehicle logger would have sent: {@code start} (sequence id + generic meta data), every
 * {@code intrinsics}, every {@code static_pose} (with its dtype), {@code component_meta} for each component instance
 * whose meta data is not empty or that has no other content, every {@code camera_masks}; then sensor frames and
 * dynamic poses interleaved by time (a frame at its end time t1, a pose at t; on equal times poses first, then by
 * component and sensor); then the {@code cuboid_observation}s in the order each instance lists them; last
 * {@code end} with the sequence's inclusive end time.
 *
 * <p>Lossless or nothing: opening checks the whole sequence's metadata ({@link SequenceCoverage}) and every
 * record but the frames against the wire format (each must decode back to itself); anything that cannot be carried
 * is an {@link UncarriedContentException} listing it, unless its path is skipped on purpose. A frame is checked
 * the same way just before it is handed out.
 *
 * <p>Frames are read from the archive one at a time as the iterator advances, so memory does not grow with the
 * archive; only the schedule (times and names) is held.
 */
public final class ArchiveFrames implements Iterator<Frame>, Closeable {
    /** Archive file name endings stripped to derive a recording id, longest first. */
    private static final List<String> SUFFIXES = List.of(".ncore4.zarr.itar", ".zarr.itar", ".itar", ".json");

    /** The archive's file path or object URI (or the sequence meta file's path). */
    private final String archive;
    private final SequenceReader reader;
    private final SequenceHeader header;
    private final List<Frame> head = new ArrayList<>();
    private final List<Timed> timed = new ArrayList<>();
    private final List<Frame> tail = new ArrayList<>();
    private final List<String> uncarried = new ArrayList<>();
    private final List<String> skippedGaps = new ArrayList<>();
    private final Set<String> valueGaps = new java.util.HashSet<>();
    private final List<String> notes = new ArrayList<>();
    private int tailIndex;
    private int headIndex;
    private int timedIndex;
    private boolean endSent;

    /** One entry of the time-ordered part: a dynamic pose (sensorKey null) or a frame reference. */
    private record Timed(long t, String sensorKey, long t0, PoseFrame pose) {
    }

    private ArchiveFrames(String archive, SequenceReader reader, Set<String> skip) throws IOException {
        this.archive = archive;
        this.reader = reader;
        this.header = reader.header();
        for (SequenceCoverage.Gap g : SequenceCoverage.of(reader)) {
            note(g.id(), g.toString(), skip);
        }
        addHead(new StartFrame(Optional.of(header.sequenceId()), header.genericMetaData()), "", skip);
        for (IntrinsicsFrame i : reader.intrinsics()) {
            addHead(i, "intrinsics/default/" + i.kind() + "s/" + i.sensor(), skip);
        }
        for (StaticPoseFrame p : reader.staticPoses()) {
            addHead(p, "poses/default/static_poses", skip);
        }
        SortedSet<String> withContent = new TreeSet<>(List.of("poses/default", "intrinsics/default"));
        List<CameraMasksFrame> masks = reader.cameraMasks();
        List<CuboidObservationFrame> cuboids = reader.cuboidObservations();
        masks.forEach(m -> withContent.add("masks/" + m.instance()));
        cuboids.forEach(c -> withContent.add("cuboids/" + c.instance()));
        for (String sensorKey : reader.sensors()) {
            if (!reader.frameTimestamps(sensorKey).isEmpty()) {
                withContent.add(sensorKey);
            }
        }
        for (Map.Entry<String, ObjectNode> e : reader.componentMeta().entrySet()) {
            if (!e.getValue().isEmpty() || !withContent.contains(e.getKey())) {
                int slash = e.getKey().indexOf('/');
                addHead(new ComponentMetaFrame(e.getKey().substring(0, slash), e.getKey().substring(slash + 1),
                        e.getValue()), e.getKey(), skip);
            }
        }
        for (CameraMasksFrame m : masks) {
            addHead(m, "masks/" + m.instance() + "/cameras/" + m.camera(), skip);
        }
        for (CuboidObservationFrame c : cuboids) {
            if (check(c, "cuboids/" + c.instance() + "/cuboids", skip)) {
                tail.add(c); // in list order, after the frames: the archive lists them in arrival order
            }
        }
        if (!skipped(DYNAMIC_POSES, skip) || isValueGap(DYNAMIC_POSES)) {
            for (PoseFrame p : reader.poses()) {
                timed.add(new Timed(p.t(), null, 0, p));
            }
        }
        for (String sensorKey : reader.sensors()) {
            if (skipped(sensorKey, skip)) {
                continue;
            }
            for (long[] t : reader.frameTimestamps(sensorKey)) {
                if (!skipped(sensorKey + "/frames/" + t[1], skip)) {
                    timed.add(new Timed(t[1], sensorKey, t[0], null));
                }
            }
        }
        // poses first on equal times (sensorKey null sorts first), then component/sensor, then pose names
        timed.sort(Comparator.comparingLong(Timed::t)
                .thenComparing(x -> x.sensorKey() == null ? "" : "~" + x.sensorKey())
                .thenComparing(x -> x.pose() == null ? "" : x.pose().source() + "\0" + x.pose().target()));
        if (reader.storeCount() > 1) {
            notes.add("the sequence is split into " + reader.storeCount() + " component-group stores; ingest writes "
                    + "it back as one store with the same nodes");
        }
        if (!uncarried.isEmpty()) {
            throw new UncarriedContentException(archive, uncarried);
        }
    }

    private static final String DYNAMIC_POSES = "poses/default/dynamic_poses";

    /** A head record, sent unless skipped, checked to come back from the wire exactly as it is. */
    private void addHead(Frame f, String path, Set<String> skip) {
        if (check(f, path, skip)) {
            head.add(f);
        }
    }

    /** Whether {@code f} is to be sent: not skipped, and the wire format carries it exactly (else a gap). */
    private boolean check(Frame f, String path, Set<String> skip) {
        if (skipped(path, skip)) {
            return false;
        }
        String problem = wireProblem(f);
        if (problem != null) {
            note(path, (path.isEmpty() ? "root" : path) + ": " + problem, skip);
            return false;
        }
        return true;
    }

    /** Why the wire format cannot carry {@code f} exactly, or null. */
    static String wireProblem(Frame f) {
        try {
            Frame back = WireDecoder.decode(CHECK_ID, WireEncoder.encode(f));
            return back.equals(f) ? null : "the " + f.type() + " record would not come back from the wire unchanged";
        } catch (InvalidRecordException e) {
            return "the wire format cannot carry it: " + e.reason();
        }
    }

    private static final String CHECK_ID = "publish-check";

    private void note(String id, String line, Set<String> skip) {
        if (skipped(id, skip)) {
            skippedGaps.add(line);
            valueGaps.add(id);
        } else {
            uncarried.add(line);
        }
    }

    private boolean isValueGap(String id) {
        return valueGaps.contains(id);
    }

    /** Whether {@code path} is, or is below, one of the skipped paths. */
    private static boolean skipped(String path, Set<String> skip) {
        for (String s : skip) {
            if (path.equals(s) || (!s.isEmpty() && path.startsWith(s + "/"))) {
                return true;
            }
        }
        return false;
    }

    /** Opens {@code archive} (an ncore v4 sequence, zarr v3 or v2); close it when done. */
    public static ArchiveFrames open(Path archive) throws IOException {
        return open(archive, Set.of());
    }

    /**
     * Opens {@code archive} (an ncore v4 sequence, zarr v3 or v2, or a sequence meta {@code .json} of one split into
     * component-group stores); close it when done.
     *
     * @param skip node paths (and {@code sequence_timestamp_interval_us}) whose content may be left out: every
     *             part of the sequence the wire format cannot carry must be one of them or below one
     * @throws UncarriedContentException something the wire format cannot carry is not skipped; it lists them all
     */
    public static ArchiveFrames open(Path archive, Set<String> skip) throws IOException {
        return open(archive.toString(), SequenceReader.open(archive), skip);
    }

    /** Opens the archive in {@code source}; the caller keeps the source and closes it after this. */
    public static ArchiveFrames open(ByteSource source) throws IOException {
        return open(source, Set.of());
    }

    /** As {@link #open(Path, Set)}, for one archive in any source (a stored object), which stays open. */
    public static ArchiveFrames open(ByteSource source, Set<String> skip) throws IOException {
        return open(source.name(), SequenceReader.open(source), skip);
    }

    private static ArchiveFrames open(String archive, SequenceReader reader, Set<String> skip) throws IOException {
        try {
            return new ArchiveFrames(archive, reader, skip);
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /** The archive's file path or object URI (or the sequence meta file's path). */
    public String archive() {
        return archive;
    }

    /** The sequence id stored in the archive. */
    public String sequenceId() {
        return header.sequenceId();
    }

    /** Number of records this iterator yields in all. */
    public long recordCount() {
        return head.size() + timed.size() + tail.size() + 1L;
    }

    /** What the wire format cannot carry and was skipped as asked, one line each (empty when nothing is). */
    public List<String> skipped() {
        return List.copyOf(skippedGaps);
    }

    /** Remarks that lose no content (a split sequence comes back as one store). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /**
     * The recording id for this archive when none is given: the file name without {@code .ncore4.zarr.itar}
     * (so re-ingesting writes an archive of the same name), else the sequence id, if either is a valid
     * recording id.
     */
    public String defaultRecordingId() {
        String name = archive.substring(archive.lastIndexOf('/') + 1);
        for (String suffix : SUFFIXES) {
            if (name.endsWith(suffix)) {
                String id = name.substring(0, name.length() - suffix.length());
                if (RecordingIds.isValid(id)) {
                    return id;
                }
                break;
            }
        }
        if (RecordingIds.isValid(header.sequenceId())) {
            return header.sequenceId();
        }
        throw new IllegalArgumentException("cannot derive a recording id from " + archive + " (file name '" + name
                + "', sequence id '" + header.sequenceId() + "'): neither matches " + RecordingIds.syntax() + "; "
                + "give one with --recording-id");
    }

    @Override
    public boolean hasNext() {
        return !endSent;
    }

    @Override
    public Frame next() {
        if (headIndex < head.size()) {
            return head.get(headIndex++);
        }
        if (timedIndex < timed.size()) {
            Timed t = timed.get(timedIndex++);
            if (t.pose() != null) {
                return t.pose();
            }
            SensorFrame f;
            try {
                f = reader.frame(t.sensorKey(), t.t0(), t.t());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read frame " + t.sensorKey() + "/frames/" + t.t() + " of "
                        + archive + ": " + e.getMessage(), e);
            }
            String problem = wireProblem(f);
            if (problem != null) {
                throw new UncheckedIOException(new UncarriedContentException(archive,
                        List.of(t.sensorKey() + "/frames/" + t.t() + ": " + problem)));
            }
            return f;
        }
        if (tailIndex < tail.size()) {
            return tail.get(tailIndex++);
        }
        if (!endSent) {
            endSent = true;
            return new EndFrame(header.endT());
        }
        throw new NoSuchElementException();
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
