package dev.itar.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.ingest.StateCodec.Reader;
import dev.itar.ingest.StateCodec.RecordType;
import dev.itar.ingest.StateCodec.Writer;
import dev.itar.ncore.Chunk;
import dev.itar.ncore.FrameEntry;
import dev.itar.ncore.FrameNode;
import dev.itar.ncore.SequenceHeader;
import dev.itar.ncore.WrittenFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The values of the unsealed-archive store and its changelog: what one segment of a recording receives. A frame
 * item carries the frame's entry and its encoded chunks (the chunk bytes are read in place from the value when
 * they are appended to the archive); a pose item one dynamic pose sample; a cuboid item one cuboid observation;
 * component meta data and camera masks arrive as {@link StateRecords.ComponentMetaRecord} and {@link
 * StateRecords.CameraMasksRecord} values, put into the segment just before its seal request; a seal request
 * everything the seal needs beyond the segment's own items. Format: {@link StateCodec}.
 */
final class SegmentItems {
    private SegmentItems() {
    }

    /** A frame's entry and chunks, as one changelog value. */
    static byte[] frame(FrameEntry entry, List<Chunk> chunks) {
        Writer sizing = StateCodec.writer(RecordType.FRAME_ITEM);
        writeEntry(sizing, entry);
        long size = sizing.size() + 4L;
        for (Chunk c : chunks) {
            size += 4L + c.key().getBytes(StandardCharsets.UTF_8).length + 4L + c.bytes().length;
        }
        Writer w = StateCodec.writer(RecordType.FRAME_ITEM, Math.toIntExact(size));
        writeEntry(w, entry);
        w.i32(chunks.size());
        for (Chunk c : chunks) {
            w.str(c.key()).bytes(c.bytes());
        }
        return w.toBytes();
    }

    /**
     * Where a frame's input record is, as the changelog keeps a frame: its partition and offset in the frames topic,
     * and its value's length and CRC-32C, which a restore checks the record it reads against.
     */
    record FrameAt(int partition, long offset, int length, int crc32c) {
    }

    static byte[] frameAt(FrameAt at) {
        return StateCodec.writer(RecordType.FRAME_AT, 3 + 4 + 8 + 4 + 4).i32(at.partition()).i64(at.offset())
                .i32(at.length()).i32(at.crc32c()).toBytes();
    }

    /** Whether a frame's changelog value names its input record ({@link #frameAt}) rather than carrying chunks. */
    static boolean isFrameAt(byte[] value) {
        return StateCodec.isType(value, RecordType.FRAME_AT);
    }

    static FrameAt readFrameAt(byte[] value, String what) {
        Reader r = StateCodec.reader(value, RecordType.FRAME_AT, what);
        FrameAt at = new FrameAt(r.i32(), r.i64(), r.i32(), r.i32());
        r.end();
        return at;
    }

    /** A frame item read back: its entry, and where each chunk's bytes lie in the value. */
    record FrameItem(FrameEntry entry, List<ChunkSpan> chunks) {
    }

    /** A chunk's key and its bytes as a span of the item value. */
    record ChunkSpan(String key, int offset, int length) {
    }

    static FrameItem readFrame(byte[] value, String what) {
        Reader r = StateCodec.reader(value, RecordType.FRAME_ITEM, what);
        FrameEntry entry = readEntry(r);
        int n = r.i32();
        List<ChunkSpan> chunks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String key = r.str();
            int length = r.i32();
            chunks.add(new ChunkSpan(key, r.position(), length));
            r.skip(length);
        }
        r.end();
        return new FrameItem(entry, chunks);
    }

    /**
     * A frame whose nodes were written into the segment's archive as it arrived, as its item log keeps it: its
     * identity and times, and its nodes' consolidated entries for the root.
     */
    static byte[] writtenFrame(FrameEntry entry, byte[] consolidatedEntries) {
        // the exact size (names are ASCII), so the value is handed out without a copy
        return StateCodec.writer(RecordType.WRITTEN_FRAME, 3 + 4 + entry.component().length() + 4
                        + entry.sensor().length() + 8 + 8 + 4 + 4 + consolidatedEntries.length)
                .str(entry.component()).str(entry.sensor()).i64(entry.t0()).i64(entry.t1()).i32(entry.nodes().size())
                .bytes(consolidatedEntries).toBytes();
    }

    /** A written frame's item log record read back; its entries lie in the record at {@code entriesOffset}. */
    record WrittenFrameItem(WrittenFrame frame, int entriesOffset) {
    }

    static WrittenFrameItem readWrittenFrame(byte[] value, String what) {
        Reader r = StateCodec.reader(value, RecordType.WRITTEN_FRAME, what);
        String component = r.str();
        String sensor = r.str();
        long t0 = r.i64();
        long t1 = r.i64();
        int nodes = r.i32();
        int length = r.i32();
        int offset = r.position();
        r.skip(length);
        r.end();
        try {
            return new WrittenFrameItem(new WrittenFrame(component, sensor, t0, t1, nodes, length), offset);
        } catch (IllegalArgumentException e) {
            throw new StateFormatException(what + ": " + e.getMessage());
        }
    }

    /** What a frame's item key is made of. */
    record FrameIdentity(String component, String sensor, long t1) {
    }

    /**
     * The identity of a frame in a segment's item log, either record type (the nodes' attributes of an earlier
     * release's entry are JSON, not parsed here): for the keys of a segment whose entries the seal has just read.
     */
    static FrameIdentity readFrameIdentity(byte[] value, String what) {
        Reader r = StateCodec.reader(value, StateCodec.isType(value, RecordType.WRITTEN_FRAME)
                ? RecordType.WRITTEN_FRAME : RecordType.FRAME_ENTRY, what);
        String component = r.str();
        String sensor = r.str();
        r.i64(); // t0: both records begin with the same four fields
        return new FrameIdentity(component, sensor, r.i64());
    }

    /** An entry an earlier release kept in a segment's item log: its frame's nodes are written when it is sealed. */
    static FrameEntry readFrameEntry(byte[] value, String what) {
        Reader r = StateCodec.reader(value, RecordType.FRAME_ENTRY, what);
        FrameEntry e = readEntry(r);
        r.end();
        return e;
    }

    /** A frame entry's fields, as a frame item and an earlier release's item log entry hold them. */
    static void writeEntry(Writer w, FrameEntry e) {
        w.str(e.component()).str(e.sensor()).i64(e.t0()).i64(e.t1()).i32(e.chunkCount()).i64(e.chunkBytes());
        w.i32(e.nodes().size());
        for (FrameNode n : e.nodes()) {
            w.str(n.path()).json(n.attributes()).optStr(n.dtype()).longs(n.shape()).longs(n.chunkShape())
                    .bool(n.compressed());
        }
    }

    private static FrameEntry readEntry(Reader r) {
        String component = r.str();
        String sensor = r.str();
        long t0 = r.i64();
        long t1 = r.i64();
        int chunkCount = r.i32();
        long chunkBytes = r.i64();
        int n = r.i32();
        List<FrameNode> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            nodes.add(new FrameNode(r.str(), r.jsonObject(), r.optStr(), r.longs(), r.longs(), r.bool()));
        }
        return new FrameEntry(component, sensor, t0, t1, nodes, chunkCount, chunkBytes);
    }

    static byte[] pose(PoseFrame p) {
        return StateCodec.writer(RecordType.POSE_ITEM).str(p.source()).str(p.target()).i64(p.t())
                .doubles(p.matrix()).toBytes();
    }

    static PoseFrame readPose(byte[] value, String what) {
        Reader r = StateCodec.reader(value, RecordType.POSE_ITEM, what);
        PoseFrame p = new PoseFrame(r.str(), r.str(), r.i64(), r.doubles());
        r.end();
        return p;
    }

    /** A cuboid observation, as one changelog value and item log record of the segment holding its time. */
    static byte[] cuboid(CuboidObservationFrame c) {
        return StateCodec.writer(RecordType.CUBOID_ITEM).str(c.instance()).str(c.trackId()).str(c.classId())
                .i64(c.timestampUs()).str(c.referenceFrameId()).i64(c.referenceFrameTimestampUs())
                .doubles(c.centroid()).doubles(c.dim()).doubles(c.rot()).str(c.source())
                .optStr(c.sourceVersion().orElse(null)).toBytes();
    }

    static CuboidObservationFrame readCuboid(byte[] value, String what) {
        Reader r = StateCodec.reader(value, RecordType.CUBOID_ITEM, what);
        CuboidObservationFrame c = new CuboidObservationFrame(r.str(), r.str(), r.str(), r.i64(), r.str(), r.i64(),
                r.doubles(), r.doubles(), r.doubles(), r.str(), Optional.ofNullable(r.optStr()));
        r.end();
        return c;
    }

    /**
     * What sealing a segment needs besides its items, fixed when the seal is requested (so a replay seals the
     * same bytes).
     *
     * @param archiveName    file name of the archive, e.g. {@code <id>-00002.ncore4.zarr.itar}
     * @param sequenceMeta   file name of the sequence meta JSON beside it
     * @param header         the segment's sequence id, generic meta data and end time
     * @param trigger        why it is sealed ({@link SealedEvent}'s trigger names)
     * @param segmentStart   start of the segment's sensor-time window (inclusive), microseconds
     * @param segmentStop    end of the window (exclusive); {@link Long#MAX_VALUE} when unbounded
     * @param eventTimestamp timestamp of the sealed event
     */
    record SealRequest(String recordingId, int segment, String archiveName, String sequenceMeta,
                       SequenceHeader header, List<StaticPoseFrame> staticPoses, List<IntrinsicsFrame> intrinsics,
                       String trigger, long segmentStart, long segmentStop, long eventTimestamp) {
        SealRequest {
            staticPoses = List.copyOf(staticPoses);
            intrinsics = List.copyOf(intrinsics);
        }
    }

    static byte[] sealRequest(SealRequest s) {
        Writer w = StateCodec.writer(RecordType.SEAL_REQUEST);
        w.str(s.recordingId()).i32(s.segment()).str(s.archiveName()).str(s.sequenceMeta());
        w.str(s.header().sequenceId()).json(s.header().genericMetaData())
                .optI64(s.header().endT().isPresent() ? s.header().endT().getAsLong() : null);
        w.i32(s.staticPoses().size());
        for (StaticPoseFrame p : s.staticPoses()) {
            StateRecords.writeStaticPose(w, p);
        }
        w.i32(s.intrinsics().size());
        for (IntrinsicsFrame i : s.intrinsics()) {
            StateRecords.writeIntrinsics(w, i);
        }
        w.str(s.trigger()).i64(s.segmentStart()).i64(s.segmentStop()).i64(s.eventTimestamp());
        return w.toBytes();
    }

    static SealRequest readSealRequest(byte[] value, String what) {
        Reader r = StateCodec.reader(value, RecordType.SEAL_REQUEST, what);
        String id = r.str();
        int segment = r.i32();
        String archiveName = r.str();
        String sequenceMeta = r.str();
        String sequenceId = r.str();
        ObjectNode meta = r.jsonObject();
        Long endT = r.optI64();
        int ns = r.i32();
        List<StaticPoseFrame> statics = new ArrayList<>(ns);
        for (int i = 0; i < ns; i++) {
            statics.add(StateRecords.readStaticPose(r));
        }
        int ni = r.i32();
        List<IntrinsicsFrame> intrinsics = new ArrayList<>(ni);
        for (int i = 0; i < ni; i++) {
            intrinsics.add(StateRecords.readIntrinsics(r));
        }
        SealRequest s = new SealRequest(id, segment, archiveName, sequenceMeta,
                new SequenceHeader(sequenceId, meta, endT == null ? OptionalLong.empty() : OptionalLong.of(endT)),
                statics, intrinsics, r.str(), r.i64(), r.i64(), r.i64());
        r.end();
        return s;
    }
}
