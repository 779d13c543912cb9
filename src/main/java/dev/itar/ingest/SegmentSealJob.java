package dev.itar.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.archive.AtomicFiles;
import dev.itar.archive.FileDigests;
import dev.itar.archive.IndexedTarWriter;
import dev.itar.frames.CameraMasksFrame;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.ncore.FrameEntry;
import dev.itar.ncore.WrittenFrame;
import dev.itar.ncore.SealedSequence;
import dev.itar.ncore.SequenceContent;
import dev.itar.ncore.SequenceHeader;
import dev.itar.ncore.SequenceSealer;
import dev.itar.storage.ArchiveStore;
import dev.itar.storage.StorageException;
import dev.itar.zarr.RootDialect;
import dev.itar.zarr.ZarrArchiveWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Seals one segment off the stream thread: resumes its archive at the committed body (the encoded chunks are
 * already in it), declares every node from the segment's item log and the seal request through
 * {@link SequenceSealer}, finishes the archive in place, takes its digests (most of the body was digested in the
 * background as it was committed), records a {@link SealedMarker}, publishes the archive and its sequence meta
 * file. Work and memory grow with the segment's node count, not its bytes.
 *
 * <p>Safe to run again after any failure or crash: before the marker, the archive is resumed at the committed
 * body and rebuilt with the same bytes; after it, only the publishing is completed.
 */
final class SegmentSealJob implements Callable<SealOutcome> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SegmentSealJob.class);

    private final UnsealedSegment segment;
    private final SegmentItems.SealRequest request;
    private final ArchiveStore archives;
    private final RootDialect dialect;
    /** Writes of this segment's archive begun before this were left by a crashed earlier owner. */
    private final Instant staleBefore;
    /** Where, while the archive is finished, its committed body is forced and its digests follow it. */
    private final Executor background;

    SegmentSealJob(UnsealedSegment segment, ArchiveStore archives, RootDialect dialect, Instant staleBefore,
                   Executor background) {
        this.segment = segment;
        this.background = background;
        this.request = segment.sealRequest();
        this.archives = archives;
        this.dialect = dialect;
        this.staleBefore = staleBefore;
    }

    @Override
    public SealOutcome call() {
        long started = System.nanoTime();
        try {
            SealedMarker marker = segment.isPublished() ? SealedMarker.read(segment.marker()) : seal();
            publish(marker);
            return SealOutcome.sealed(segment.key(), request, marker, UnsealedArchiveStore.keysOf(segment),
                    System.nanoTime() - started);
        } catch (IOException | RuntimeException e) {
            segment.resetDigester(); // a failed attempt may have read past the committed body
            return SealOutcome.failed(segment.key(), request, e, System.nanoTime() - started);
        } catch (Error e) {
            // thrown out of here, the executor's future would keep it to itself: the seal would neither finish nor
            // be retried
            segment.resetDigester();
            LOG.error("{}: sealing failed: {}", segment, e.toString(), e);
            return SealOutcome.failed(segment.key(), request,
                    new IllegalStateException("sealing " + segment + " failed: " + e, e), System.nanoTime() - started);
        }
    }

    private SealedMarker seal() throws IOException {
        IndexedTarWriter archive = IndexedTarWriter.resume(segment.body(), segment.committedBody());
        // on another thread while the metadata is written: the committed body goes to disk, and the digests follow
        // the archive, so that neither waits for the finished file
        forceInBackground(segment);
        LongConsumer digestUpTo = segment.digester().follower(segment.body(), background);
        archive.onWritten(digestUpTo);
        digestUpTo.accept(segment.committedBody().bodyBytes());
        ZarrArchiveWriter zarr;
        try {
            zarr = new ZarrArchiveWriter(archive, dialect);
        } catch (IOException | RuntimeException e) {
            archive.abort();
            throw e;
        }
        SealedSequence sealed = new SequenceSealer(background).seal(zarr, new Content());
        FileDigests digests = segment.digester().finish(segment.body(), sealed.bytes());
        SealedMarker marker = new SealedMarker(request.archiveName(), request.sequenceMeta(), sealed.bytes(),
                digests.sha256(), digests.md5(), sealed.intervalStart(), sealed.intervalStop(),
                sealed.framesPerSensor(), sealed.sequenceMetaJson(request.archiveName(), digests.md5()));
        marker.write(segment.marker());
        return marker;
    }

    private void forceInBackground(UnsealedSegment s) {
        try {
            background.execute(() -> {
                try {
                    AtomicFiles.forceData(s.body());
                } catch (IOException e) {
                    // the archive's own force at the end reports what is wrong with the file
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down: the archive's own force at the end does it
        }
    }

    /** Moves the finished archive into the archive store (unless an earlier attempt did) and writes its meta. */
    private void publish(SealedMarker marker) throws IOException {
        removeAbandonedWrites(marker);
        if (Files.exists(segment.body())) {
            archives.publish(segment.body(), marker.archiveName());
        } else if (!archives.size(marker.archiveName()).equals(Optional.of(marker.bytes()))) {
            throw new IOException("the sealed archive of " + segment + " is neither in " + segment.body() + " nor, with "
                    + marker.bytes() + " bytes, at " + archives.uriOf(marker.archiveName()));
        }
        archives.put(marker.sequenceMetaName(), marker.sequenceMetaJson());
    }

    /**
     * Removes the temp files or uploads an earlier owner of this task left when it died while publishing this
     * archive. Only this task publishes it, and only writes begun before this owner took the task over are
     * removed, so an instance that lost the task and does not know it yet is not cut off mid-write.
     */
    private void removeAbandonedWrites(SealedMarker marker) {
        try {
            List<String> removed = archives.removeAbandoned(
                    List.of(marker.archiveName(), marker.sequenceMetaName()), staleBefore);
            if (!removed.isEmpty()) {
                LOG.info("{}: removed what an interrupted seal left: {}", segment, removed);
            }
        } catch (StorageException e) {
            // only litter: publishing writes afresh and does not need it gone
            LOG.warn("{}: cannot remove what an interrupted seal left: {}", segment, e.getMessage());
        }
    }

    /** The segment's items, read back from its item log, and the seal request's recording-level content. */
    private final class Content implements SequenceContent {
        @Override
        public SequenceHeader header() {
            return request.header();
        }

        /** Frames an earlier release appended: their nodes are written now. */
        @Override
        public Iterator<FrameEntry> frames() {
            return items(StateCodec.RecordType.FRAME_ENTRY,
                    v -> SegmentItems.readFrameEntry(v, "frame entry in " + segment.items()));
        }

        @Override
        public Iterator<WrittenFrame> writtenFrames() {
            return items(StateCodec.RecordType.WRITTEN_FRAME,
                    v -> SegmentItems.readWrittenFrame(v, "written frame in " + segment.items()).frame());
        }

        @Override
        public InputStream writtenNodeEntries() throws IOException {
            return new WrittenEntries(ItemLog.read(segment.items(), segment.committedItemBytes()),
                    "written frame in " + segment.items());
        }

        @Override
        public Iterator<PoseFrame> poses() {
            return items(StateCodec.RecordType.POSE_ITEM, v -> SegmentItems.readPose(v, "pose in " + segment.items()));
        }

        @Override
        public List<StaticPoseFrame> staticPoses() {
            return request.staticPoses();
        }

        @Override
        public List<IntrinsicsFrame> intrinsics() {
            return request.intrinsics();
        }

        @Override
        public SortedMap<String, ObjectNode> componentMeta() {
            SortedMap<String, ObjectNode> meta = new TreeMap<>();
            items(StateCodec.RecordType.COMPONENT_META, v -> StateRecords.ComponentMetaRecord.decode(v,
                    "component meta in " + segment.items()).meta()).forEachRemaining(m -> meta.put(m.key(), m.meta()));
            return meta;
        }

        @Override
        public Iterator<CameraMasksFrame> cameraMasks() {
            return items(StateCodec.RecordType.CAMERA_MASKS, v -> StateRecords.CameraMasksRecord.decode(v,
                    "camera masks in " + segment.items()).masks());
        }

        /**
         * The segment's cuboid observations, one instance after the other, each in arrival order: one pass of the
         * item log to find the instances, then one per instance (a single instance, the usual case, needs just one),
         * so only the observation at hand is held here.
         */
        @Override
        public Iterator<CuboidObservationFrame> cuboidObservations() {
            SortedSet<String> instances = new TreeSet<>();
            cuboids().forEachRemaining(c -> instances.add(c.instance()));
            if (instances.size() <= 1) {
                return cuboids();
            }
            Iterator<String> each = instances.iterator();
            return new Iterator<>() {
                private String instance;
                private Iterator<CuboidObservationFrame> current = Collections.emptyIterator();
                private CuboidObservationFrame next = advance();

                private CuboidObservationFrame advance() {
                    while (true) {
                        while (current.hasNext()) {
                            CuboidObservationFrame c = current.next();
                            if (c.instance().equals(instance)) {
                                return c;
                            }
                        }
                        if (!each.hasNext()) {
                            return null;
                        }
                        instance = each.next();
                        current = cuboids();
                    }
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public CuboidObservationFrame next() {
                    if (next == null) {
                        throw new NoSuchElementException();
                    }
                    CuboidObservationFrame c = next;
                    next = advance();
                    return c;
                }
            };
        }

        private Iterator<CuboidObservationFrame> cuboids() {
            return items(StateCodec.RecordType.CUBOID_ITEM,
                    v -> SegmentItems.readCuboid(v, "cuboid observation in " + segment.items()));
        }

        /** One pass over the item log, keeping the records of one type; the file is closed at the end. */
        private <T> Iterator<T> items(StateCodec.RecordType type, Function<byte[], T> read) {
            ItemLog.Records records;
            try {
                records = ItemLog.read(segment.items(), segment.committedItemBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Iterator<>() {
                private byte[] next = advance();

                private byte[] advance() {
                    while (records.hasNext()) {
                        byte[] r = records.next();
                        if (StateCodec.isType(r, type)) {
                            return r;
                        }
                    }
                    try {
                        records.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return null;
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public T next() {
                    if (next == null) {
                        throw new NoSuchElementException();
                    }
                    T t = read.apply(next);
                    next = advance();
                    return t;
                }
            };
        }
    }

    /** The consolidated entries of a segment's written frames, as one stream: each record's in turn. */
    private static final class WrittenEntries extends InputStream {
        private final ItemLog.Records records;
        private final String what;
        private byte[] record;
        private int at;
        private int end;

        WrittenEntries(ItemLog.Records records, String what) {
            this.records = records;
            this.what = what;
        }

        /** Whether there are bytes left, moving to the next written frame's entries when one is used up. */
        private boolean hasBytes() {
            while (at == end) {
                if (!records.hasNext()) {
                    return false;
                }
                byte[] r = records.next();
                if (StateCodec.isType(r, StateCodec.RecordType.WRITTEN_FRAME)) {
                    record = r;
                    at = SegmentItems.readWrittenFrame(r, what).entriesOffset();
                    end = r.length;
                }
            }
            return true;
        }

        @Override
        public int read() {
            return hasBytes() ? record[at++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!hasBytes()) {
                return -1;
            }
            int n = Math.min(len, end - at);
            System.arraycopy(record, at, b, off, n);
            at += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            records.close();
        }
    }
}
