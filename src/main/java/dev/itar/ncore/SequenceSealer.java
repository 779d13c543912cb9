package dev.itar.ncore;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.archive.FileDigests;
import dev.itar.archive.IndexedTarWriter;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.StaticPoseFrame;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Seals one recording: renders every node's {@code zarr.json} once from the frame entries, poses and
 * intrinsics, streams the already-encoded chunks (ascending key order) through {@link IndexedTarWriter}
 * (temp file, fsync, atomic rename), then writes ncore's {@code SequenceMeta} sidecar JSON.
 *
 * <p>Memory: per frame only its (t0, t1) and a chunk tally are kept; chunk bytes pass through one at a time.
 * Output bytes are a pure function of the request (sorted maps only; no clock, no host).
 *
 * <p>Sequence interval, as ncore's converters build it ({@code HalfClosedInterval.from_start_end(first, last)}):
 * start = earliest of pose times and frame starts, stop = 1 + latest of pose times, frame ends and the
 * header's end time. Every frame and pose then lies inside [start, stop) as ncore requires.
 */
public final class SequenceSealer {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * Writes {@code <dir>/<id>.ncore4.zarr.itar} and {@code <dir>/<id>.json}. On any failure no archive is left
     * at the target (an existing one is untouched) and the exception propagates.
     *
     * @throws IllegalArgumentException inconsistent input: duplicate frames, conflicting poses, chunks out of
     *                                  order, a chunk without a frame, or a frame whose chunks did not all arrive
     */
    public SealResult seal(SealRequest req) throws IOException {
        Files.createDirectories(req.archiveDir());
        Path archive = req.archiveDir().resolve(req.archiveFileName());
        Path sidecar = req.archiveDir().resolve(req.sequenceMetaFileName());

        // sensor "<component>/<sensor>" -> t1 -> t0
        SortedMap<String, SortedMap<Long, Long>> framesBySensor = new TreeMap<>();
        ChunkTally tally = new ChunkTally();
        Interval interval = new Interval();

        IndexedTarWriter writer = new IndexedTarWriter(archive, req.dialect(), true); // digests while writing
        try {
            // frame nodes: rendered and handed to the writer (which defers zarr.json to close)
            Iterator<FrameEntry> frames = req.frames();
            while (frames.hasNext()) {
                FrameEntry f = frames.next();
                String sensorKey = f.component() + "/" + f.sensor();
                SortedMap<Long, Long> t0ByT1 = framesBySensor.computeIfAbsent(sensorKey, k -> new TreeMap<>());
                if (t0ByT1.putIfAbsent(f.t1(), f.t0()) != null) {
                    throw new IllegalArgumentException("duplicate frame " + f.framePath());
                }
                tally.expect(f.framePath(), f.chunkCount());
                interval.add(f.t0());
                interval.add(f.t1());
                for (FrameNode n : f.nodes()) {
                    String key = (n.path().isEmpty() ? f.framePath() : f.framePath() + "/" + n.path()) + "/zarr.json";
                    writer.put(key, n.array() ? NodeMetadata.array(n).toJson() : NodeMetadata.group(n).toJson());
                }
            }

            SortedMap<String, SortedMap<Long, double[]>> dynamic = collectPoses(req.poses(), interval);
            SortedMap<String, StaticPoseFrame> statics = new TreeMap<>();
            for (StaticPoseFrame p : req.staticPoses()) {
                if (statics.put(PyRepr.pair(p.source(), p.target()), p) != null) {
                    throw new IllegalArgumentException("duplicate static pose (" + p.source() + ", " + p.target() + ")");
                }
            }
            req.header().endT().ifPresent(interval::add);
            long start = interval.start();
            long stop = interval.end() + 1;

            // chunks: streamed, never collected
            Iterator<Chunk> chunks = req.chunks();
            String previous = null;
            while (chunks.hasNext()) {
                Chunk c = chunks.next();
                if (previous != null && c.key().compareTo(previous) <= 0) {
                    throw new IllegalArgumentException("chunk " + c.key() + " is not after " + previous
                            + ": chunks must come in strictly ascending key order");
                }
                tally.count(c.key());
                writer.put(c.key(), c.bytes());
                previous = c.key();
            }
            tally.verify(framesBySensor);

            // component instances: component -> instance -> generic meta data (for the groups and the sidecar)
            SortedMap<String, SortedMap<String, ObjectNode>> components = componentInstances(req, framesBySensor);

            writer.put("zarr.json", SequenceLayout.group(SequenceLayout.rootAttributes(req.header().sequenceId(),
                    start, stop, req.header().genericMetaData())));
            for (var c : components.entrySet()) {
                writer.put(c.getKey() + "/zarr.json", SequenceLayout.emptyGroup());
                for (var i : c.getValue().entrySet()) {
                    writer.put(c.getKey() + "/" + i.getKey() + "/zarr.json", SequenceLayout.group(
                            SequenceLayout.componentAttributes(c.getKey(), i.getKey(), i.getValue())));
                }
            }
            for (var s : framesBySensor.entrySet()) {
                writer.put(s.getKey() + "/frames/zarr.json",
                        SequenceLayout.group(SequenceLayout.framesAttributes(s.getValue())));
            }
            writePoses(writer, dynamic, statics);
            writeIntrinsics(writer, req);

            writer.close();
        } catch (IOException | RuntimeException e) {
            writer.abort();
            throw e;
        }

        FileDigests digests = writer.digests(); // computed while writing: no second pass over the archive
        SortedMap<String, SortedMap<String, ObjectNode>> components = componentInstances(req, framesBySensor);
        byte[] meta = SequenceMetaJson.render(req.header().sequenceId(), interval.start(), interval.end() + 1,
                req.header().genericMetaData(), req.archiveFileName(), digests.md5(), components);
        writeAtomically(sidecar, meta);

        SortedMap<String, Long> counts = new TreeMap<>();
        framesBySensor.forEach((k, v) -> counts.put(k, (long) v.size()));
        return new SealResult(archive, sidecar, Files.size(archive), digests.sha256(), digests.md5(), interval.start(),
                interval.end() + 1, counts);
    }

    private static SortedMap<String, SortedMap<Long, double[]>> collectPoses(Iterator<PoseFrame> poses,
                                                                            Interval interval) {
        SortedMap<String, SortedMap<Long, double[]>> dynamic = new TreeMap<>();
        while (poses.hasNext()) {
            PoseFrame p = poses.next();
            SortedMap<Long, double[]> samples = dynamic.computeIfAbsent(PyRepr.pair(p.source(), p.target()),
                    k -> new TreeMap<>());
            double[] before = samples.putIfAbsent(p.t(), p.matrix());
            if (before != null && !java.util.Arrays.equals(before, p.matrix())) {
                throw new IllegalArgumentException("conflicting pose samples (" + p.source() + ", " + p.target()
                        + ") at t=" + p.t());
            }
            interval.add(p.t());
        }
        return dynamic;
    }

    private static SortedMap<String, SortedMap<String, ObjectNode>> componentInstances(
            SealRequest req, SortedMap<String, SortedMap<Long, Long>> framesBySensor) {
        SortedMap<String, SortedMap<String, ObjectNode>> out = new TreeMap<>();
        for (String sensorKey : framesBySensor.keySet()) {
            int slash = sensorKey.indexOf('/');
            out.computeIfAbsent(sensorKey.substring(0, slash), k -> new TreeMap<>())
                    .put(sensorKey.substring(slash + 1), NODES.objectNode());
        }
        // ncore converters always register poses and intrinsics; so do we, with instance "default"
        out.computeIfAbsent("poses", k -> new TreeMap<>()).put(SequenceLayout.DEFAULT_INSTANCE, NODES.objectNode());
        out.computeIfAbsent("intrinsics", k -> new TreeMap<>())
                .put(SequenceLayout.DEFAULT_INSTANCE, NODES.objectNode());
        for (var e : req.componentMeta().entrySet()) {
            String key = e.getKey();
            int slash = key.indexOf('/');
            SortedMap<String, ObjectNode> instances = slash < 0 ? null : out.get(key.substring(0, slash));
            if (instances == null || !instances.containsKey(key.substring(slash + 1))) {
                throw new IllegalArgumentException("generic meta data given for component " + key
                        + ", which the sequence does not have");
            }
            instances.put(key.substring(slash + 1), e.getValue() == null ? NODES.objectNode() : e.getValue());
        }
        return out;
    }

    private static void writePoses(IndexedTarWriter writer, SortedMap<String, SortedMap<Long, double[]>> dynamic,
                                   SortedMap<String, StaticPoseFrame> statics) throws IOException {
        Map<String, Object> staticAttrs = new LinkedHashMap<>();
        statics.forEach((k, p) -> staticAttrs.put(k, SequenceLayout.staticPose(p)));
        Map<String, Object> dynamicAttrs = new LinkedHashMap<>();
        dynamic.forEach((k, samples) -> dynamicAttrs.put(k, SequenceLayout.dynamicPoses(samples)));
        writer.put("poses/default/static_poses/zarr.json", SequenceLayout.group(staticAttrs));
        writer.put("poses/default/dynamic_poses/zarr.json", SequenceLayout.group(dynamicAttrs));
    }

    private static void writeIntrinsics(IndexedTarWriter writer, SealRequest req) throws IOException {
        writer.put("intrinsics/default/cameras/zarr.json", SequenceLayout.emptyGroup());
        writer.put("intrinsics/default/lidars/zarr.json", SequenceLayout.emptyGroup());
        SortedMap<String, IntrinsicsFrame> byPath = new TreeMap<>();
        for (IntrinsicsFrame i : req.intrinsics()) {
            String path = "intrinsics/default/" + i.kind() + "s/" + i.sensor(); // cameras or lidars
            if (byPath.put(path, i) != null) {
                throw new IllegalArgumentException("duplicate intrinsics for " + i.kind() + " " + i.sensor());
            }
        }
        for (var e : byPath.entrySet()) {
            writer.put(e.getKey() + "/zarr.json", SequenceLayout.group(JsonValues.toPlainMap(e.getValue().model())));
        }
    }

    /** Temp file beside the target, fsync, atomic rename: readers never see a partial sidecar. */
    private static void writeAtomically(Path target, byte[] content) throws IOException {
        Path temp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName() + ".",
                ".partial");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException ignored) {
                // not POSIX: platform default permissions
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Earliest and latest time seen. */
    private static final class Interval {
        private long start = Long.MAX_VALUE;
        private long end = Long.MIN_VALUE;

        void add(long t) {
            start = Math.min(start, t);
            end = Math.max(end, t);
        }

        long start() {
            return start == Long.MAX_VALUE ? 0 : start;
        }

        long end() {
            return end == Long.MIN_VALUE ? 0 : end;
        }
    }

    /** Expected vs. received chunks per frame (lookup only; reported in sorted order). */
    private static final class ChunkTally {
        private final Map<String, int[]> byFrame = new HashMap<>();

        void expect(String framePath, int chunks) {
            byFrame.put(framePath, new int[] {chunks, 0});
        }

        void count(String chunkKey) {
            // <component>/<sensor>/frames/<t1>/...
            int cut = -1;
            for (int i = 0; i < 4; i++) {
                cut = chunkKey.indexOf('/', cut + 1);
                if (cut < 0) {
                    break;
                }
            }
            int[] c = cut < 0 ? null : byFrame.get(chunkKey.substring(0, cut));
            if (c == null) {
                throw new IllegalArgumentException("chunk " + chunkKey + " belongs to no frame of the sequence");
            }
            c[1]++;
        }

        void verify(SortedMap<String, SortedMap<Long, Long>> framesBySensor) {
            for (var s : framesBySensor.entrySet()) {
                for (Long t1 : s.getValue().keySet()) {
                    String frame = s.getKey() + "/frames/" + t1;
                    int[] c = byFrame.get(frame);
                    if (c[0] != c[1]) {
                        throw new IllegalArgumentException("frame " + frame + " has " + c[1] + " chunks, its entry "
                                + "expects " + c[0]);
                    }
                }
            }
        }
    }
}
