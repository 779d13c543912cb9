package dev.itar.ingest;

import dev.itar.archive.ArchivePosition;
import dev.itar.archive.FileDigester;
import dev.itar.archive.IndexedTarWriter;
import dev.itar.ncore.FrameNodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One archive under construction in the unsealed-archive store: the segment's tar members so far (each frame's
 * encoded chunks and node metadata, appended as the frame arrives, exactly as they will stand in the archive), the
 * archive's member index, and the segment's item log (frames' times and consolidated entries, pose samples,
 * cuboid observations, and the recording's component meta data and camera masks as of the seal request, for the
 * metadata written at seal time).
 *
 * <p>What the last commit made durable is remembered separately from what has been written since; reopening at
 * the committed state drops the rest. After a seal is requested nothing more is appended: the seal job finishes
 * the archive in the body file and publishes it, and leaves a marker so a crash after publishing is recognised.
 * Written on the stream thread; a seal job reads only what the committed seal request fixed.
 */
final class UnsealedSegment {
    private final SegmentKey key;
    private final Path body;
    private final Path items;
    private final Path marker;

    private ArchivePosition committedBody;
    private long committedItemBytes;

    private IndexedTarWriter writer;
    /** Renders the frames' nodes; what it keeps is only a cache, so a restart with a new one writes the same bytes. */
    private final FrameNodes frameNodes = new FrameNodes();
    private ItemLog log;
    private ArchivePosition bodyPosition;
    private long itemBytes;
    private int frames;
    private long uncommittedBytes;

    private byte[] sealRequestValue;
    private SegmentItems.SealRequest sealRequest;
    private boolean sealCommitted;

    /** Digests the committed part of the body in the background, so a seal reads only the last stretch. */
    private volatile FileDigester digester = new FileDigester();

    private UnsealedSegment(Path dir, SegmentKey key, Manifest.Entry committed) {
        this.key = key;
        this.body = dir.resolve(key.fileStem() + ".itar");
        this.items = dir.resolve(key.fileStem() + ".items");
        this.marker = dir.resolve(key.fileStem() + ".sealed");
        this.committedBody = committed.body();
        this.committedItemBytes = committed.itemBytes();
        this.bodyPosition = committed.body();
        this.itemBytes = committed.itemBytes();
        this.frames = committed.frames();
        if (committed.sealRequest() != null) {
            this.sealRequestValue = committed.sealRequest();
            this.sealRequest = SegmentItems.readSealRequest(committed.sealRequest(), "seal request of " + key);
            this.sealCommitted = true;
        }
    }

    /** A new, empty segment. */
    static UnsealedSegment create(Path dir, SegmentKey key) {
        return new UnsealedSegment(dir, key, Manifest.Entry.empty(key));
    }

    /**
     * The segment as the manifest of the last commit describes it.
     *
     * @throws IOException its files do not hold what the manifest says (lost, truncated): the store restores
     */
    static UnsealedSegment committed(Path dir, Manifest.Entry entry) throws IOException {
        UnsealedSegment s = new UnsealedSegment(dir, entry.key(), entry);
        if (!s.isPublished()) {
            requireAtLeast(s.body, entry.body().bodyBytes());
            requireAtLeast(IndexedTarWriter.memberIndexOf(s.body), entry.body().indexBytes());
        }
        requireAtLeast(s.items, entry.itemBytes());
        return s;
    }

    private static void requireAtLeast(Path file, long bytes) throws IOException {
        long size = Files.exists(file) ? Files.size(file) : -1;
        if (size < bytes && !(size < 0 && bytes == 0)) {
            throw new IOException(file + " has " + Math.max(size, 0) + " bytes, fewer than the " + bytes
                    + " its last commit recorded");
        }
    }

    SegmentKey key() {
        return key;
    }

    Path body() {
        return body;
    }

    Path items() {
        return items;
    }

    Path marker() {
        return marker;
    }

    FileDigester digester() {
        return digester;
    }

    /** Starts digesting afresh (after a failed seal, which may have digested more than the committed body). */
    void resetDigester() {
        digester = new FileDigester();
    }

    /**
     * Frames and cuboid observations appended so far: what a segment is sealed for (one of poses alone, overlapping
     * from a neighbour, is not sealed).
     */
    int contentItems() {
        return frames;
    }

    long uncommittedBytes() {
        return uncommittedBytes;
    }

    /**
     * Appends a frame: its chunks as archive members, read in place from the changelog value, then its nodes'
     * metadata, so that sealing writes only the groups above the frames and the root; its identity, times and
     * the nodes' consolidated entries go to the item log.
     */
    void appendFrame(SegmentItems.FrameItem item, byte[] value) throws IOException {
        requireOpen();
        IndexedTarWriter w = writer();
        for (SegmentItems.ChunkSpan c : item.chunks()) {
            w.put(c.key(), value, c.offset(), c.length());
        }
        byte[] entries = frameNodes.write(w, item.entry());
        bodyPosition = w.position();
        log().append(SegmentItems.writtenFrame(item.entry(), entries));
        itemBytes = log.bytes();
        frames++;
        uncommittedBytes += value.length;
    }

    /** Appends a cuboid observation; like a frame, it makes the segment worth sealing. */
    void appendCuboid(byte[] value) throws IOException {
        appendItem(value);
        frames++;
    }

    /**
     * Appends a pose sample, component meta data or camera masks; the changelog value is the item log record as
     * it is.
     */
    void appendItem(byte[] value) throws IOException {
        requireOpen();
        log().append(value);
        itemBytes = log.bytes();
        uncommittedBytes += value.length;
    }

    /** Fixes what the seal will be; from now on nothing is appended. */
    void requestSeal(byte[] value) throws IOException {
        requireOpen();
        this.sealRequest = SegmentItems.readSealRequest(value, "seal request of " + key);
        this.sealRequestValue = value;
        flush();
        releaseHandles();
    }

    SegmentItems.SealRequest sealRequest() {
        return sealRequest;
    }

    /** Whether the seal request is part of a commit (only then may the seal run: a crash cannot undo it). */
    boolean sealCommitted() {
        return sealCommitted;
    }

    boolean isPublished() {
        return Files.exists(marker);
    }

    private void requireOpen() {
        if (sealRequest != null) {
            throw new IllegalStateException("segment " + key + " is being sealed; nothing more can be added to it");
        }
    }

    private IndexedTarWriter writer() throws IOException {
        if (writer == null) {
            writer = IndexedTarWriter.resume(body, committedBody);
        }
        return writer;
    }

    private ItemLog log() throws IOException {
        if (log == null) {
            log = new ItemLog(items, committedItemBytes);
        }
        return log;
    }

    /** Pushes what was written to the file system (not to disk: a commit must survive a process crash). */
    void flush() throws IOException {
        if (writer != null) {
            writer.flush(false);
        }
        if (log != null) {
            log.flush();
        }
    }

    /** What a commit records. */
    Manifest.Entry manifestEntry() {
        return new Manifest.Entry(key, bodyPosition, itemBytes, frames, sealRequestValue);
    }

    /** The state just recorded by a commit is now the committed state. */
    void committed() {
        committedBody = bodyPosition;
        committedItemBytes = itemBytes;
        uncommittedBytes = 0;
        sealCommitted = sealRequest != null;
    }

    /** Bytes of the body the last commit covers: what the background digester may read. */
    long committedBodyBytes() {
        return committedBody.bodyBytes();
    }

    /** The committed state of the body, at which the seal resumes the archive. */
    ArchivePosition committedBody() {
        return committedBody;
    }

    long committedItemBytes() {
        return committedItemBytes;
    }

    void releaseHandles() throws IOException {
        try {
            if (writer != null) {
                writer.close();
            }
        } finally {
            writer = null;
            try {
                if (log != null) {
                    log.close();
                }
            } finally {
                log = null;
            }
        }
    }

    /** Deletes the segment's files (after its archive was published and the seal committed). */
    void delete() throws IOException {
        releaseHandles();
        Files.deleteIfExists(body);
        Files.deleteIfExists(IndexedTarWriter.memberIndexOf(body));
        Files.deleteIfExists(items);
        Files.deleteIfExists(marker);
    }

    @Override
    public String toString() {
        return "segment " + key.segment() + " of recording '" + key.recordingId() + "'";
    }
}
