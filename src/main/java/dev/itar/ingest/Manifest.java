package dev.itar.ingest;

import dev.itar.archive.ArchivePosition;
import dev.itar.archive.AtomicFiles;
import dev.itar.ingest.StateCodec.Reader;
import dev.itar.ingest.StateCodec.RecordType;
import dev.itar.ingest.StateCodec.Writer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the unsealed-archive store's last commit made durable: the changelog offset it covers, and for every
 * segment how far its files had got and its seal request, if any. Replaced atomically at each commit, after the
 * Kafka transaction, so on restart the files are cut back to it and the changelog replayed from its offset.
 *
 * @param changelogOffset last changelog offset the state covers, null when unknown (restore from the start)
 */
record Manifest(Long changelogOffset, List<Entry> segments) {
    static final String FILE = "MANIFEST";

    Manifest {
        segments = List.copyOf(segments);
    }

    /**
     * @param frames      frames and cuboid observations appended (a segment without any is not sealed)
     * @param sealRequest the committed seal request's changelog value, or null
     */
    record Entry(SegmentKey key, ArchivePosition body, long itemBytes, int frames, byte[] sealRequest) {
        static Entry empty(SegmentKey key) {
            return new Entry(key, ArchivePosition.START, 0, 0, null);
        }
    }

    static Optional<Manifest> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Reader r = StateCodec.reader(Files.readAllBytes(file), RecordType.SEGMENT_MANIFEST, file.toString());
        Long offset = r.optI64();
        int n = r.i32();
        List<Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SegmentKey key = new SegmentKey(r.str(), r.i32());
            ArchivePosition body = new ArchivePosition(r.i64(), r.i64(), r.i64());
            long itemBytes = r.i64();
            int frames = r.i32();
            byte[] seal = r.bool() ? r.bytes() : null;
            entries.add(new Entry(key, body, itemBytes, frames, seal));
        }
        r.end();
        return Optional.of(new Manifest(offset, entries));
    }

    void write(Path dir) throws IOException {
        Writer w = StateCodec.writer(RecordType.SEGMENT_MANIFEST);
        w.optI64(changelogOffset).i32(segments.size());
        for (Entry e : segments) {
            w.str(e.key().recordingId()).i32(e.key().segment());
            w.i64(e.body().bodyBytes()).i64(e.body().indexBytes()).i64(e.body().members());
            w.i64(e.itemBytes()).i32(e.frames()).bool(e.sealRequest() != null);
            if (e.sealRequest() != null) {
                w.bytes(e.sealRequest());
            }
        }
        // Not forced to disk: a process crash keeps the page cache, and after a power loss the segments' files
        // (never forced at a commit either) may not match any manifest; an old, damaged or missing manifest then
        // means cutting back further or restoring from the changelog, the source of truth. Waiting for the device
        // at every commit held the stream threads up behind the seals' and the broker's writes to the same disk.
        AtomicFiles.replace(dir.resolve(FILE), w.toBytes());
    }
}
