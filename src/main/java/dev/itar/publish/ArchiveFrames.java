package dev.itar.publish;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.archive.ByteSource;
import dev.itar.frames.EndFrame;
import dev.itar.frames.Frame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.RecordingIds;
import dev.itar.frames.StartFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.ncore.SequenceHeader;
import dev.itar.ncore.SequenceReader;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The content of an ncore v4 archive (zarr v3 or legacy v2) as the wire-format records a vehicle logger would
 * have sent: {@code start} (sequence id + generic meta data), every {@code intrinsics}, every {@code static_pose},
 * then sensor frames and dynamic poses interleaved by time (a frame at its end time t1, a pose at t; on equal
 * times poses first, then by component and sensor), and last {@code end} with the sequence's inclusive end time.
 *
 * <p>Frames are read from the archive one at a time as the iterator advances, so memory does not grow with the
 * archive; only the schedule (times and names) is held. What {@link SequenceReader} returns is sent as it is.
 *
 * <p>What the wire format cannot carry is listed by {@link #losses()} (and so does not come back after
 * re-ingesting): a component instance's {@code generic_meta_data} (the wire format has per-frame and
 * per-sequence meta only) and a static pose's {@code float32} dtype (wire static poses are float64).
 */
public final class ArchiveFrames implements Iterator<Frame>, Closeable {
    /** Archive file name endings stripped to derive a recording id, longest first. */
    private static final List<String> SUFFIXES = List.of(".ncore4.zarr.itar", ".zarr.itar", ".itar");

    /** The archive's file path or object URI. */
    private final String archive;
    private final SequenceReader reader;
    private final SequenceHeader header;
    private final List<Frame> head = new ArrayList<>();
    private final List<Timed> timed = new ArrayList<>();
    private final List<String> losses = new ArrayList<>();
    private int headIndex;
    private int timedIndex;
    private boolean endSent;

    /** One entry of the time-ordered part: a dynamic pose (sensorKey null) or a frame reference. */
    private record Timed(long t, String sensorKey, long t0, PoseFrame pose) {
    }

    private ArchiveFrames(String archive, SequenceReader reader) throws IOException {
        this.archive = archive;
        this.reader = reader;
        this.header = reader.header();
        head.add(new StartFrame(Optional.of(header.sequenceId()), header.genericMetaData()));
        head.addAll(reader.intrinsics());
        for (StaticPoseFrame p : reader.staticPoses()) {
            head.add(p);
            if (!"float64".equals(p.dtype())) {
                losses.add("static pose (" + p.source() + ", " + p.target() + ") has dtype " + p.dtype()
                        + "; wire static poses are float64, so it comes back as float64");
            }
        }
        for (Map.Entry<String, ObjectNode> e : reader.componentMeta().entrySet()) {
            if (!e.getValue().isEmpty()) {
                losses.add(e.getKey() + " generic_meta_data " + e.getValue()
                        + " is not sent: the wire format has no field for component meta data");
            }
        }
        for (PoseFrame p : reader.poses()) {
            timed.add(new Timed(p.t(), null, 0, p));
        }
        for (String sensorKey : reader.sensors()) {
            for (long[] t : reader.frameTimestamps(sensorKey)) {
                timed.add(new Timed(t[1], sensorKey, t[0], null));
            }
        }
        // poses first on equal times (sensorKey null sorts first), then component/sensor, then pose names
        timed.sort(Comparator.comparingLong(Timed::t)
                .thenComparing(x -> x.sensorKey() == null ? "" : "~" + x.sensorKey())
                .thenComparing(x -> x.pose() == null ? "" : x.pose().source() + "\0" + x.pose().target()));
    }

    /** Opens {@code archive} (an ncore v4 sequence, zarr v3 or v2); close it when done. */
    public static ArchiveFrames open(Path archive) throws IOException {
        return open(archive.toString(), SequenceReader.open(archive));
    }

    /** Opens the archive in {@code source}; the caller keeps the source and closes it after this. */
    public static ArchiveFrames open(ByteSource source) throws IOException {
        return open(source.name(), SequenceReader.open(source));
    }

    private static ArchiveFrames open(String archive, SequenceReader reader) throws IOException {
        try {
            return new ArchiveFrames(archive, reader);
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /** The archive's file path or object URI. */
    public String archive() {
        return archive;
    }

    /** The sequence id stored in the archive. */
    public String sequenceId() {
        return header.sequenceId();
    }

    /** Number of records this iterator yields in all. */
    public long recordCount() {
        return head.size() + timed.size() + 1L;
    }

    /** Content of the archive the wire format cannot carry, one sentence each (empty when nothing is lost). */
    public List<String> losses() {
        return List.copyOf(losses);
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
            try {
                return reader.frame(t.sensorKey(), t.t0(), t.t());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read frame " + t.sensorKey() + "/frames/" + t.t() + " of "
                        + archive + ": " + e.getMessage(), e);
            }
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
