package dev.itar.ingest;

import dev.itar.archive.AtomicFiles;
import dev.itar.ingest.StateCodec.Reader;
import dev.itar.ingest.StateCodec.RecordType;
import dev.itar.ingest.StateCodec.Writer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A segment's finished archive: written beside the segment's files, and forced to disk, before the archive is
 * published, so that after a crash the seal is known to be done and is completed from here instead of run again
 * (the body file it was built in may already be gone, renamed into the archive directory).
 *
 * @param sequenceMetaJson the sequence meta file's content, written beside the archive after it
 */
record SealedMarker(String archiveName, String sequenceMetaName, long bytes, String sha256, String md5,
                    long intervalStart, long intervalStop, SortedMap<String, Long> framesPerSensor,
                    byte[] sequenceMetaJson) {
    SealedMarker {
        framesPerSensor = Collections.unmodifiableSortedMap(new TreeMap<>(framesPerSensor));
    }

    void write(Path file) throws IOException {
        Writer w = StateCodec.writer(RecordType.SEALED_MARKER);
        w.str(archiveName).str(sequenceMetaName).i64(bytes).str(sha256).str(md5).i64(intervalStart).i64(intervalStop);
        w.i32(framesPerSensor.size());
        framesPerSensor.forEach((k, v) -> w.str(k).i64(v));
        w.bytes(sequenceMetaJson);
        AtomicFiles.write(file, w.toBytes());
    }

    static SealedMarker read(Path file) throws IOException {
        Reader r = StateCodec.reader(Files.readAllBytes(file), RecordType.SEALED_MARKER, file.toString());
        String archive = r.str();
        String meta = r.str();
        long bytes = r.i64();
        String sha = r.str();
        String md5 = r.str();
        long start = r.i64();
        long stop = r.i64();
        int n = r.i32();
        SortedMap<String, Long> frames = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            frames.put(r.str(), r.i64());
        }
        SealedMarker m = new SealedMarker(archive, meta, bytes, sha, md5, start, stop, frames, r.bytes());
        r.end();
        return m;
    }
}
