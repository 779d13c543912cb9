package dev.itar.ncore;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.archive.AtomicFiles;
import dev.itar.archive.BesideTask;
import dev.itar.archive.DuplicateKeyException;
import dev.itar.archive.FileDigests;
import dev.itar.frames.CameraMask;
import dev.itar.frames.CameraMasksFrame;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.zarr.ArrayMetadata;
import dev.itar.zarr.GroupMetadata;
import dev.itar.zarr.RenderedNode;
import dev.itar.zarr.WrittenNodes;
import dev.itar.zarr.ZarrArchiveWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executor;

/**
 * Seals one sequence: declares every node of the ncore v4 layout — each frame's nodes from its {@link FrameEntry}
 * (unless the frame's nodes are in the archive already: {@link SequenceContent#writtenFrames()}), the component and
 * frames groups, poses, intrinsics, camera masks (whose chunks it encodes itself), cuboid
 * observations, the root — through the {@link ZarrArchiveWriter}, which
 * renders each node's {@code zarr.json} once and consolidates the root, and finishes the archive. The chunks are
 * the caller's: already in the archive (ingest stores them as frames arrive) or written first ({@link
 * #seal(SealRequest)}).
 *
 * <p>The dynamic poses (one node whose attribute lists every sample) are collected and rendered beside the frames'
 * nodes, on the executor given, when it has a thread free; otherwise, and with the default, on the sealing thread.
 * So is the archive's index while the root is compressed ({@link ZarrArchiveWriter#finish(Executor)}). Either
 * way the same bytes are written in the same order.
 *
 * <p>Memory: per frame only its (t1, t0) and per pose sample its matrix are kept, for the attributes that list
 * them; node metadata passes through one node at a time. Output bytes are a pure function of the content and its
 * order (no clock, no host, no hash order).
 *
 * <p>Sequence interval, as ncore's converters build it ({@code HalfClosedInterval.from_start_end(first, last)}):
 * start = earliest of pose times, frame starts and cuboid observation and reference times, stop = 1 + latest of
 * pose times, frame ends, cuboid times and the header's end time. Every frame and pose then lies inside [start, stop) as ncore requires.
 */
public final class SequenceSealer {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Executor beside;

    /** A sealer that does all its work on the calling thread. */
    public SequenceSealer() {
        this(Runnable::run);
    }

    /** @param beside where the dynamic poses are prepared while the frames are written (see the class comment) */
    public SequenceSealer(Executor beside) {
        this.beside = beside;
    }

    /**
     * Writes {@code <dir>/<id>.ncore4.zarr.itar} from a request that brings its chunks, then {@code <dir>/<id>.json}.
     * On any failure no archive is left at the target (an existing one is untouched) and the exception propagates.
     *
     * @throws IllegalArgumentException inconsistent input: duplicate frames, conflicting poses, a chunk without a
     *                                  frame, or a frame whose chunks did not all arrive
     */
    public SealResult seal(SealRequest req) throws IOException {
        Files.createDirectories(req.archiveDir());
        Path archive = req.archiveDir().resolve(req.archiveFileName());
        Path sidecar = req.archiveDir().resolve(req.sequenceMetaFileName());
        ZarrArchiveWriter zarr = ZarrArchiveWriter.create(archive, req.dialect());
        ChunkTally tally = new ChunkTally();
        try {
            Iterator<Chunk> chunks = req.chunks();
            while (chunks.hasNext()) {
                Chunk c = chunks.next();
                tally.count(c.key());
                zarr.archive().put(c.key(), c.bytes());
            }
        } catch (IOException | RuntimeException e) {
            zarr.abort();
            throw e;
        }
        SealedSequence sealed = seal(zarr, new TalliedContent(req, tally));
        FileDigests digests = FileDigests.of(archive);
        AtomicFiles.write(sidecar, sealed.sequenceMetaJson(req.archiveFileName(), digests.md5()));
        return new SealResult(archive, sidecar, sealed.bytes(), digests.sha256(), digests.md5(),
                sealed.intervalStart(), sealed.intervalStop(), sealed.framesPerSensor());
    }

    /**
     * Declares every node of the sequence in {@code zarr} and finishes it. On failure the writer is aborted.
     *
     * @throws IllegalArgumentException duplicate frames, conflicting poses, duplicate static poses or intrinsics,
     *                                  meta data for a component the sequence does not have
     */
    public SealedSequence seal(ZarrArchiveWriter zarr, SequenceContent content) throws IOException {
        BesideTask<DynamicPoses> poses = BesideTask.start(() -> DynamicPoses.of(content.poses()), beside);
        try {
            SortedMap<String, FrameTimes> framesBySensor = new TreeMap<>();
            Interval interval = new Interval();
            long writtenNodes = 0;
            long writtenBytes = 0;
            for (Iterator<WrittenFrame> written = content.writtenFrames(); written.hasNext(); ) {
                WrittenFrame f = written.next();
                addFrame(framesBySensor, interval, f.component(), f.sensor(), f.t0(), f.t1());
                writtenNodes += f.nodes();
                writtenBytes += f.entryBytes();
            }
            zarr.declareWritten(new WrittenNodes(writtenNodes, writtenBytes, content::writtenNodeEntries));
            Iterator<FrameEntry> frames = content.frames();
            FrameNodes frameNodes = new FrameNodes();
            while (frames.hasNext()) {
                FrameEntry f = frames.next();
                addFrame(framesBySensor, interval, f.component(), f.sensor(), f.t0(), f.t1());
                frameNodes.write(zarr, f);
            }
            DynamicPoses dynamic = poses.join();
            interval.add(dynamic.interval());
            SortedMap<String, StaticPoseFrame> statics = new TreeMap<>();
            for (StaticPoseFrame p : content.staticPoses()) {
                if (statics.put(PyRepr.pair(p.source(), p.target()), p) != null) {
                    throw new IllegalArgumentException("duplicate static pose (" + p.source() + ", " + p.target() + ")");
                }
            }
            content.header().endT().ifPresent(interval::add);

            SortedMap<String, SortedMap<String, ObjectNode>> components = new TreeMap<>();
            for (String sensorKey : framesBySensor.keySet()) {
                instance(components, sensorKey);
            }
            // ncore converters always register poses and intrinsics; so do we, with instance "default"
            instance(components, "poses/" + SequenceLayout.DEFAULT_INSTANCE);
            instance(components, "intrinsics/" + SequenceLayout.DEFAULT_INSTANCE);
            for (String maskInstance : writeMasks(zarr, content.cameraMasks())) {
                instance(components, "masks/" + maskInstance);
            }
            for (String cuboidInstance : writeCuboids(zarr, content.cuboidObservations(), interval)) {
                instance(components, "cuboids/" + cuboidInstance);
            }
            addComponentMeta(zarr, components, content.componentMeta());
            for (var c : components.entrySet()) {
                zarr.createGroup(c.getKey(), Map.of());
                for (var i : c.getValue().entrySet()) {
                    zarr.createGroup(c.getKey() + "/" + i.getKey(),
                            SequenceLayout.componentAttributes(c.getKey(), i.getKey(), i.getValue()));
                }
            }
            for (var s : framesBySensor.entrySet()) {
                zarr.createGroup(s.getKey() + "/frames", SequenceLayout.framesAttributes(s.getValue().sorted(s.getKey())));
            }
            writePoses(zarr, dynamic.node(), statics);
            writeIntrinsics(zarr, content.intrinsics());
            zarr.createGroup("", SequenceLayout.rootAttributes(content.header().sequenceId(), interval.start(),
                    interval.end() + 1, content.header().genericMetaData()));
            long bytes = zarr.finish(beside);

            SortedMap<String, Long> counts = new TreeMap<>();
            framesBySensor.forEach((k, v) -> counts.put(k, (long) v.size()));
            return new SealedSequence(content.header(), bytes, interval.start(), interval.end() + 1, counts, components);
        } catch (IOException | RuntimeException e) {
            poses.drop();
            zarr.abort();
            throw e;
        }
    }

    /** Counts a frame for its sensor's frames group and the sequence interval. */
    private static void addFrame(SortedMap<String, FrameTimes> framesBySensor, Interval interval, String component,
                                 String sensor, long t0, long t1) {
        framesBySensor.computeIfAbsent(component + "/" + sensor, k -> new FrameTimes()).add(t1, t0);
        interval.add(t0);
        interval.add(t1);
    }

    /** The rendered {@code dynamic_poses} node and the interval its samples span. */
    private record DynamicPoses(RenderedNode node, Interval interval) {
        static DynamicPoses of(Iterator<PoseFrame> poses) {
            Interval interval = new Interval();
            Map<String, Object> attributes = new LinkedHashMap<>();
            collectPoses(poses, interval).forEach((k, samples) -> attributes.put(k, SequenceLayout.dynamicPoses(samples)));
            return new DynamicPoses(RenderedNode.of(new GroupMetadata(attributes)), interval);
        }
    }

    private static SortedMap<String, SortedMap<Long, double[]>> collectPoses(Iterator<PoseFrame> poses,
                                                                            Interval interval) {
        SortedMap<String, SortedMap<Long, double[]>> dynamic = new TreeMap<>();
        while (poses.hasNext()) {
            PoseFrame p = poses.next();
            SortedMap<Long, double[]> samples = dynamic.computeIfAbsent(PyRepr.pair(p.source(), p.target()),
                    k -> new TreeMap<>());
            double[] before = samples.putIfAbsent(p.t(), p.matrix());
            if (before != null && !Arrays.equals(before, p.matrix())) {
                throw new IllegalArgumentException("conflicting pose samples (" + p.source() + ", " + p.target()
                        + ") at t=" + p.t());
            }
            interval.add(p.t());
        }
        return dynamic;
    }

    /** Registers {@code <component>/<instance>} with empty generic meta data; returns whether it was new. */
    private static boolean instance(SortedMap<String, SortedMap<String, ObjectNode>> components, String key) {
        int slash = key.indexOf('/');
        return components.computeIfAbsent(key.substring(0, slash), k -> new TreeMap<>())
                .putIfAbsent(key.substring(slash + 1), NODES.objectNode()) == null;
    }

    /**
     * Sets each instance's generic meta data. An instance that has no other content is created as ncore creates a
     * component whose writer stored nothing: a sensor with an empty frames group, a masks instance with an empty
     * cameras group, a cuboids instance with an empty observation list.
     */
    private static void addComponentMeta(ZarrArchiveWriter zarr, SortedMap<String, SortedMap<String, ObjectNode>> components,
                                         SortedMap<String, ObjectNode> componentMeta) throws IOException {
        for (var e : componentMeta.entrySet()) {
            String key = e.getKey();
            int slash = key.indexOf('/');
            String component = slash < 0 ? key : key.substring(0, slash);
            String name = slash < 0 ? "" : key.substring(slash + 1);
            boolean known = switch (component) {
                case "cameras", "lidars", "radars", "masks", "cuboids" -> SensorNames.isValid(name);
                case "poses", "intrinsics" -> name.equals(SequenceLayout.DEFAULT_INSTANCE);
                default -> false;
            };
            if (!known) {
                throw new IllegalArgumentException("generic meta data given for component " + key + ", which an "
                        + "ncore v4 sequence of this project cannot have");
            }
            if (instance(components, key)) {
                switch (component) {
                    case "masks" -> zarr.createGroup(key + "/cameras", Map.of());
                    case "cuboids" -> zarr.createGroup(key + "/cuboids", SequenceLayout.cuboidsAttributes(List.of()));
                    default -> zarr.createGroup(key + "/frames", SequenceLayout.framesAttributes(new long[0][]));
                }
            }
            components.get(component).put(name, e.getValue() == null ? NODES.objectNode() : e.getValue());
        }
    }

    /**
     * Writes {@code masks/<instance>/cameras/<camera>} (attribute {@code mask_names}) and one uncompressed 0-d
     * byte-string array per mask, as ncore's masks component does; returns the masks instances.
     */
    private static SortedSet<String> writeMasks(ZarrArchiveWriter zarr, Iterator<CameraMasksFrame> masks)
            throws IOException {
        SortedMap<String, Set<String>> camerasByInstance = new TreeMap<>();
        while (masks.hasNext()) {
            CameraMasksFrame m = masks.next();
            SensorNames.check(m.instance());
            SensorNames.check(m.camera());
            if (!camerasByInstance.computeIfAbsent(m.instance(), k -> new HashSet<>()).add(m.camera())) {
                throw new IllegalArgumentException("duplicate masks of camera " + m.camera() + " in masks instance "
                        + m.instance());
            }
            String cameraPath = "masks/" + m.instance() + "/cameras/" + m.camera();
            zarr.createGroup(cameraPath, SequenceLayout.cameraMasksAttributes(m.masks()));
            for (CameraMask mask : m.masks()) {
                ArrayMetadata md = ArrayMetadata.ncoreBytes(mask.image().length, SequenceLayout.maskAttributes(mask));
                try {
                    zarr.createArray(cameraPath + "/" + mask.name(), md).writeChunk(new long[0], mask.image());
                } catch (DuplicateKeyException e) {
                    throw new IllegalArgumentException("duplicate mask " + cameraPath + "/" + mask.name(), e);
                }
            }
        }
        for (String instance : camerasByInstance.keySet()) {
            zarr.createGroup("masks/" + instance + "/cameras", Map.of());
        }
        return new TreeSet<>(camerasByInstance.keySet());
    }

    /**
     * Writes {@code cuboids/<instance>/cuboids} with attribute {@code cuboid_track_observations}, as ncore's cuboids
     * component does; returns the cuboids instances. ncore keeps an instance's observations in one attribute of one
     * node, so one instance's observations are held while its node is rendered.
     */
    private static SortedSet<String> writeCuboids(ZarrArchiveWriter zarr, Iterator<CuboidObservationFrame> cuboids,
                                                  Interval interval) throws IOException {
        SortedSet<String> done = new TreeSet<>();
        String current = null;
        List<Object> observations = new ArrayList<>();
        while (cuboids.hasNext()) {
            CuboidObservationFrame o = cuboids.next();
            if (!o.instance().equals(current)) {
                if (current != null) {
                    zarr.createGroup("cuboids/" + current + "/cuboids", SequenceLayout.cuboidsAttributes(observations));
                    observations = new ArrayList<>();
                }
                if (!done.add(SensorNames.check(o.instance()))) {
                    throw new IllegalArgumentException("cuboid observations of instance " + o.instance()
                            + " are not given together (another instance's came between them)");
                }
                current = o.instance();
            }
            observations.add(SequenceLayout.cuboidObservation(o));
            interval.add(o.timestampUs());
            interval.add(o.referenceFrameTimestampUs());
        }
        if (current != null) {
            zarr.createGroup("cuboids/" + current + "/cuboids", SequenceLayout.cuboidsAttributes(observations));
        }
        return done;
    }

    private static void writePoses(ZarrArchiveWriter zarr, RenderedNode dynamic,
                                   SortedMap<String, StaticPoseFrame> statics) throws IOException {
        Map<String, Object> staticAttrs = new LinkedHashMap<>();
        statics.forEach((k, p) -> staticAttrs.put(k, SequenceLayout.staticPose(p)));
        zarr.createGroup("poses/default/static_poses", staticAttrs);
        zarr.createNode("poses/default/dynamic_poses", dynamic);
    }

    private static void writeIntrinsics(ZarrArchiveWriter zarr, List<IntrinsicsFrame> intrinsics) throws IOException {
        zarr.createGroup("intrinsics/default/cameras", Map.of());
        zarr.createGroup("intrinsics/default/lidars", Map.of());
        SortedMap<String, IntrinsicsFrame> byPath = new TreeMap<>();
        for (IntrinsicsFrame i : intrinsics) {
            String path = "intrinsics/default/" + i.kind() + "s/" + i.sensor(); // cameras or lidars
            if (byPath.put(path, i) != null) {
                throw new IllegalArgumentException("duplicate intrinsics for " + i.kind() + " " + i.sensor());
            }
        }
        for (var e : byPath.entrySet()) {
            zarr.createGroup(e.getKey(), JsonValues.toPlainMap(e.getValue().model()));
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

        void add(Interval other) {
            start = Math.min(start, other.start);
            end = Math.max(end, other.end);
        }

        long start() {
            return start == Long.MAX_VALUE ? 0 : start;
        }

        long end() {
            return end == Long.MIN_VALUE ? 0 : end;
        }
    }

    /** (t1, t0) of every frame of one sensor, in two primitive arrays. */
    static final class FrameTimes {
        private long[] t1 = new long[64];
        private long[] t0 = new long[64];
        private int size;

        void add(long end, long start) {
            if (size == t1.length) {
                t1 = Arrays.copyOf(t1, size * 2);
                t0 = Arrays.copyOf(t0, size * 2);
            }
            t1[size] = end;
            t0[size] = start;
            size++;
        }

        int size() {
            return size;
        }

        /** [t0, t1] pairs sorted by t1. */
        long[][] sorted(String sensorKey) {
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(t1[a], t1[b]));
            long[][] pairs = new long[size][];
            for (int i = 0; i < size; i++) {
                pairs[i] = new long[] {t0[order[i]], t1[order[i]]};
                if (i > 0 && pairs[i][1] == pairs[i - 1][1]) {
                    throw new IllegalArgumentException("duplicate frame " + sensorKey + "/frames/" + pairs[i][1]);
                }
            }
            return pairs;
        }
    }

    /** Chunks written by {@link #seal(SealRequest)} counted per frame, checked against the frames' entries. */
    private static final class ChunkTally {
        /** frame path → chunks counted; frame path → chunks its entry expects; first chunk key per frame path. */
        private final Map<String, Integer> counted = new HashMap<>();
        private final Map<String, Integer> expected = new HashMap<>();
        private final Map<String, String> firstKey = new HashMap<>();

        void count(String chunkKey) {
            // <component>/<sensor>/frames/<t1>/...
            int cut = -1;
            for (int i = 0; i < 4; i++) {
                cut = chunkKey.indexOf('/', cut + 1);
                if (cut < 0) {
                    throw new IllegalArgumentException("chunk " + chunkKey + " belongs to no frame of the sequence");
                }
            }
            String frame = chunkKey.substring(0, cut);
            counted.merge(frame, 1, Integer::sum);
            firstKey.putIfAbsent(frame, chunkKey);
        }

        void expect(FrameEntry f) {
            expected.putIfAbsent(f.framePath(), f.chunkCount()); // a second entry is the sealer's duplicate to report
        }

        /** Every frame got exactly its chunks, and every chunk belongs to a frame; reported in sorted order. */
        void verify() {
            for (var e : new TreeMap<>(expected).entrySet()) {
                int got = counted.getOrDefault(e.getKey(), 0);
                if (got != e.getValue()) {
                    throw new IllegalArgumentException("frame " + e.getKey() + " has " + got + " chunks, its entry "
                            + "expects " + e.getValue());
                }
            }
            for (String frame : new TreeMap<>(counted).keySet()) {
                if (!expected.containsKey(frame)) {
                    throw new IllegalArgumentException("chunk " + firstKey.get(frame) + " belongs to no frame of the "
                            + "sequence");
                }
            }
        }
    }

    /** A request's content whose frames are checked against the chunks written before them. */
    private record TalliedContent(SealRequest req, ChunkTally tally) implements SequenceContent {
        @Override
        public SequenceHeader header() {
            return req.header();
        }

        @Override
        public Iterator<FrameEntry> frames() {
            Iterator<FrameEntry> frames = req.frames();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    boolean more = frames.hasNext();
                    if (!more) {
                        tally.verify(); // before the seal goes on to finish the archive
                    }
                    return more;
                }

                @Override
                public FrameEntry next() {
                    if (!frames.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    FrameEntry f = frames.next();
                    tally.expect(f);
                    return f;
                }
            };
        }

        @Override
        public Iterator<PoseFrame> poses() {
            return req.poses();
        }

        @Override
        public List<StaticPoseFrame> staticPoses() {
            return req.staticPoses();
        }

        @Override
        public List<IntrinsicsFrame> intrinsics() {
            return req.intrinsics();
        }

        @Override
        public SortedMap<String, ObjectNode> componentMeta() {
            return req.componentMeta();
        }

        @Override
        public Iterator<CameraMasksFrame> cameraMasks() {
            return req.cameraMasks();
        }

        @Override
        public Iterator<CuboidObservationFrame> cuboidObservations() {
            return req.cuboids();
        }
    }
}
