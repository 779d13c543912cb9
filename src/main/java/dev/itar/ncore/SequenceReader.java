package dev.itar.ncore;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.archive.ByteSource;
import dev.itar.frames.CameraFrame;
import dev.itar.frames.CameraMask;
import dev.itar.frames.CameraMasksFrame;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.LidarFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.RadarFrame;
import dev.itar.frames.SensorFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.frames.TypedArray;
import dev.itar.zarr.DataType;
import dev.itar.zarr.NdArray;
import dev.itar.zarr.Node;
import dev.itar.zarr.ZarrArchiveReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads an ncore v4 sequence archive (zarr format 3 or legacy 2) back into the values ingest writes from:
 * header, sensor frames with all their arrays, poses, static poses and intrinsics (as the {@code frames} records
 * that carry them on the wire) and sensor-level generic meta data.
 * Frames are read lazily, one at a time, in (component, sensor, t1) order.
 */
public final class SequenceReader implements Closeable {
    private static final List<String> SENSOR_COMPONENTS = List.of("cameras", "lidars", "radars");

    private final List<ZarrArchiveReader> stores;
    /** The store that holds each node (a component-level group may be in several: the first). */
    private final Map<String, ZarrArchiveReader> storeOf = new java.util.HashMap<>();
    private final SortedMap<String, Node> nodes = new TreeMap<>();
    private final String source;
    private final String sequenceId;
    private final long start;
    private final long stop;
    private final ObjectNode genericMetaData;

    private SequenceReader(String source, List<ZarrArchiveReader> stores) throws IOException {
        this.source = source;
        this.stores = List.copyOf(stores);
        Map<String, Object> root = null;
        Map<String, String> groupNames = new TreeMap<>();
        for (ZarrArchiveReader z : stores) {
            Node r = z.nodes().get("");
            if (r == null || r.isArray()) {
                throw new SequenceFormatException(z.name() + ": node '': group missing");
            }
            Map<String, Object> attrs = new java.util.LinkedHashMap<>(r.attributes());
            Object groupName = attrs.remove("component_group_name");
            String before = groupNames.put(String.valueOf(groupName), z.name());
            if (before != null) {
                throw new SequenceFormatException(source + ": component group '" + groupName + "' is in two stores: "
                        + before + " and " + z.name());
            }
            if (root == null) {
                root = attrs;
            } else if (!root.equals(attrs)) {
                throw new SequenceFormatException(source + ": store " + z.name() + " belongs to another sequence: its "
                        + "root attributes " + attrs + " differ from " + root);
            }
            for (Node n : z.nodes().values()) {
                Node seen = nodes.putIfAbsent(n.path(), n);
                if (seen == null) {
                    storeOf.put(n.path(), z);
                } else if (!n.path().isEmpty() && (n.isArray() || seen.isArray() || n.path().contains("/")
                        || !seen.attributes().equals(n.attributes()))) {
                    throw new SequenceFormatException(source + ": node '" + n.path() + "' is in two stores: "
                            + storeOf.get(n.path()).name() + " and " + z.name());
                }
            }
        }
        if (!"v4".equals(root.get("version"))) {
            throw bad("", "not an ncore v4 sequence: root attribute version is " + root.get("version"));
        }
        this.sequenceId = string(root.get("sequence_id"), "", "sequence_id");
        if (!(root.get("sequence_timestamp_interval_us") instanceof Map<?, ?> iv)) {
            throw bad("", "root attribute sequence_timestamp_interval_us missing");
        }
        this.start = number(iv.get("start"), "", "sequence_timestamp_interval_us.start");
        this.stop = number(iv.get("stop"), "", "sequence_timestamp_interval_us.stop");
        this.genericMetaData = objectOrEmpty(root.get("generic_meta_data"));
    }

    /**
     * Opens the archive in {@code source} (one store); the caller keeps the source and closes it after this reader.
     */
    public static SequenceReader open(ByteSource source) throws IOException {
        ZarrArchiveReader z = ZarrArchiveReader.open(source);
        try {
            return new SequenceReader(source.name(), List.of(z));
        } catch (IOException | RuntimeException e) {
            z.close();
            throw e;
        }
    }

    /**
     * Opens an archive, or a sequence split into component-group stores through its sequence meta {@code .json}
     * (every store listed; their md5s are not checked here, see {@link SequenceMeta#md5Problems()}). Closing the
     * reader closes the files.
     */
    public static SequenceReader open(Path archive) throws IOException {
        List<Path> files = SequenceMeta.isMetaFileName(archive) ? SequenceMeta.read(archive).storeFiles()
                : List.of(archive);
        List<ZarrArchiveReader> opened = new ArrayList<>();
        try {
            for (Path f : files) {
                opened.add(ZarrArchiveReader.open(f));
            }
            return new SequenceReader(archive.toString(), opened);
        } catch (IOException | RuntimeException e) {
            for (ZarrArchiveReader z : opened) {
                z.close();
            }
            throw e;
        }
    }

    /** Every node of the sequence (all stores), by path. */
    SortedMap<String, Node> nodes() {
        return java.util.Collections.unmodifiableSortedMap(nodes);
    }

    /** Number of stores the sequence is read from (1 unless opened through a sequence meta file). */
    public int storeCount() {
        return stores.size();
    }

    /** The zarr format of the (first) store. */
    public int zarrFormat() {
        return stores.get(0).zarrFormat();
    }

    /** Sequence id and generic meta data; endT = interval stop - 1 (the inclusive end). */
    public SequenceHeader header() {
        return new SequenceHeader(sequenceId, genericMetaData.deepCopy(),
                stop > start ? OptionalLong.of(stop - 1) : OptionalLong.empty());
    }

    public long intervalStart() {
        return start;
    }

    public long intervalStop() {
        return stop;
    }

    /** Generic meta data of every component instance, keyed {@code <component>/<instance>}. */
    public SortedMap<String, ObjectNode> componentMeta() {
        SortedMap<String, ObjectNode> out = new TreeMap<>();
        for (Node n : nodes.values()) {
            String[] parts = n.path().split("/");
            if (parts.length == 2 && !n.isArray() && n.attributes().containsKey("component_name")) {
                out.put(n.path(), objectOrEmpty(n.attributes().get("generic_meta_data")));
            }
        }
        return out;
    }

    /** Sensors with a frames group, as {@code <component>/<sensor>}, sorted. */
    public List<String> sensors() {
        List<String> out = new ArrayList<>();
        for (String component : SENSOR_COMPONENTS) {
            for (String path : children(component)) {
                if (nodes.containsKey(path + "/frames")) {
                    out.add(path);
                }
            }
        }
        return out;
    }

    /** [[t0, t1], ...] of a sensor ({@code <component>/<sensor>}), as stored (sorted by t1). */
    public List<long[]> frameTimestamps(String sensorKey) throws IOException {
        Object v = group(sensorKey + "/frames").attributes().get("frames_timestamps_us");
        if (!(v instanceof List<?> pairs)) {
            throw bad(sensorKey + "/frames", "attribute frames_timestamps_us missing");
        }
        List<long[]> out = new ArrayList<>(pairs.size());
        for (Object p : pairs) {
            if (!(p instanceof List<?> l) || l.size() != 2) {
                throw bad(sensorKey + "/frames", "frames_timestamps_us entry " + p + " is not [t0, t1]");
            }
            out.add(new long[] {number(l.get(0), sensorKey + "/frames", "t0"),
                    number(l.get(1), sensorKey + "/frames", "t1")});
        }
        return out;
    }

    /** Every frame of every sensor, read lazily in (component, sensor, t1) order. */
    public Iterator<SensorFrame> frames() throws IOException {
        List<String[]> refs = new ArrayList<>(); // {sensorKey, t0, t1}
        for (String s : sensors()) {
            for (long[] t : frameTimestamps(s)) {
                refs.add(new String[] {s, Long.toString(t[0]), Long.toString(t[1])});
            }
        }
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < refs.size();
            }

            @Override
            public SensorFrame next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String[] r = refs.get(i++);
                try {
                    return frame(r[0], Long.parseLong(r[1]), Long.parseLong(r[2]));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
    }

    /** One frame of {@code <component>/<sensor>} with end time t1 (t0 as listed in frames_timestamps_us). */
    public SensorFrame frame(String sensorKey, long t0, long t1) throws IOException {
        int slash = sensorKey.indexOf('/');
        String component = sensorKey.substring(0, slash);
        String sensor = sensorKey.substring(slash + 1);
        String base = sensorKey + "/frames/" + t1;
        group(base);
        ObjectNode meta = JsonValues.toObjectNode(group(base + "/generic_data").attributes());
        SortedMap<String, TypedArray> data = new TreeMap<>();
        for (String path : children(base + "/generic_data")) {
            Node n = nodes.get(path);
            if (!n.isArray()) {
                throw bad(path, "generic data must be arrays, found a group");
            }
            NdArray a = readArray(path);
            if (a.dtype().isBytes()) {
                throw bad(path, "generic data of dtype " + a.dtype().summaryName() + " is not supported");
            }
            data.put(path.substring(path.lastIndexOf('/') + 1), new TypedArray(a.dtype().v3Name(), a.shape(),
                    a.bytes()));
        }
        switch (component) {
            case "cameras": {
                NdArray img = array(base + "/image", null, new long[0]);
                if (!img.dtype().isBytes()) {
                    throw bad(base + "/image", "image must be a byte string, got " + img.dtype());
                }
                String format = string(nodes.get(base + "/image").attributes().get("format"), base + "/image",
                        "format");
                return new CameraFrame(sensor, t0, t1, format, img.bytes(), meta, data);
            }
            case "lidars":
            case "radars": {
                int n = (int) number(group(base + "/ray_bundle").attributes().get("n_rays"), base + "/ray_bundle",
                        "n_rays");
                int r = (int) number(group(base + "/ray_bundle_returns").attributes().get("n_returns"),
                        base + "/ray_bundle_returns", "n_returns");
                byte[] direction = array(base + "/ray_bundle/direction", DataType.FLOAT32, new long[] {n, 3}).bytes();
                byte[] ts = array(base + "/ray_bundle/timestamp_us", DataType.UINT64, new long[] {n}).bytes();
                byte[] dist = array(base + "/ray_bundle_returns/distance_m", DataType.FLOAT32, new long[] {r, n})
                        .bytes();
                if (component.equals("radars")) {
                    return new RadarFrame(sensor, t0, t1, n, r, direction, ts, dist, meta, data);
                }
                byte[] intensity = array(base + "/ray_bundle_returns/intensity", DataType.FLOAT32,
                        new long[] {r, n}).bytes();
                byte[] model = nodes.containsKey(base + "/ray_bundle/model_element")
                        ? array(base + "/ray_bundle/model_element", DataType.UINT16, new long[] {n, 2}).bytes() : null;
                return new LidarFrame(sensor, t0, t1, n, r, direction, ts, dist, intensity, model, meta, data);
            }
            default:
                throw bad(sensorKey, "unknown sensor component " + component);
        }
    }

    /** Dynamic pose samples, sorted by pose key then time. */
    public List<PoseFrame> poses() throws IOException {
        List<PoseFrame> out = new ArrayList<>();
        String path = "poses/default/dynamic_poses";
        if (!nodes.containsKey(path)) {
            return out;
        }
        for (Map.Entry<String, Object> e : new TreeMap<>(group(path).attributes()).entrySet()) {
            String[] pair = PyRepr.parsePair(e.getKey());
            if (!(e.getValue() instanceof Map<?, ?> v) || !(v.get("poses") instanceof List<?> poses)
                    || !(v.get("timestamps_us") instanceof List<?> ts) || poses.size() != ts.size()) {
                throw bad(path, "dynamic poses " + e.getKey() + " need equally long poses and timestamps_us");
            }
            for (int i = 0; i < ts.size(); i++) {
                out.add(new PoseFrame(pair[0], pair[1], number(ts.get(i), path, e.getKey() + " timestamps_us"),
                        matrix(poses.get(i), path, e.getKey())));
            }
        }
        return out;
    }

    /** Static poses, sorted by pose key, with the dtype ncore recorded. */
    public List<StaticPoseFrame> staticPoses() throws IOException {
        List<StaticPoseFrame> out = new ArrayList<>();
        String path = "poses/default/static_poses";
        if (!nodes.containsKey(path)) {
            return out;
        }
        for (Map.Entry<String, Object> e : new TreeMap<>(group(path).attributes()).entrySet()) {
            String[] pair = PyRepr.parsePair(e.getKey());
            if (!(e.getValue() instanceof Map<?, ?> v)) {
                throw bad(path, "static pose " + e.getKey() + " is not an object");
            }
            Object dtype = v.get("dtype");
            out.add(new StaticPoseFrame(pair[0], pair[1], matrix(v.get("pose"), path, e.getKey()),
                    dtype == null ? "float64" : dtype.toString()));
        }
        return out;
    }

    /** Camera then lidar intrinsics, each sorted by sensor; the model is the node's attributes. */
    public List<IntrinsicsFrame> intrinsics() {
        List<IntrinsicsFrame> out = new ArrayList<>();
        for (String kind : List.of("camera", "lidar")) {
            for (String path : children("intrinsics/default/" + kind + "s")) {
                Node n = nodes.get(path);
                out.add(new IntrinsicsFrame(path.substring(path.lastIndexOf('/') + 1), kind,
                        JsonValues.toObjectNode(n.attributes())));
            }
        }
        return out;
    }

    /** Camera masks by masks instance then camera (sorted), each camera's masks in {@code mask_names} order. */
    public List<CameraMasksFrame> cameraMasks() throws IOException {
        List<CameraMasksFrame> out = new ArrayList<>();
        for (String instancePath : children("masks")) {
            String instance = instancePath.substring("masks/".length());
            for (String cameraPath : children(instancePath + "/cameras")) {
                Object names = group(cameraPath).attributes().get("mask_names");
                if (!(names instanceof List<?> list)) {
                    throw bad(cameraPath, "attribute mask_names missing");
                }
                List<CameraMask> masks = new ArrayList<>(list.size());
                for (Object name : list) {
                    String maskPath = cameraPath + "/" + string(name, cameraPath, "mask_names entry");
                    NdArray image = array(maskPath, null, new long[0]);
                    if (!image.dtype().isBytes()) {
                        throw bad(maskPath, "a mask must be a byte string, got " + image.dtype());
                    }
                    masks.add(new CameraMask(name.toString(),
                            string(nodes.get(maskPath).attributes().get("format"), maskPath, "format"), image.bytes()));
                }
                out.add(new CameraMasksFrame(instance, cameraPath.substring(cameraPath.lastIndexOf('/') + 1), masks));
            }
        }
        return out;
    }

    /** Cuboid track observations by cuboids instance (sorted), each instance's in the order stored. */
    public List<CuboidObservationFrame> cuboidObservations() throws SequenceFormatException {
        List<CuboidObservationFrame> out = new ArrayList<>();
        for (String instancePath : children("cuboids")) {
            String path = instancePath + "/cuboids";
            if (!nodes.containsKey(path)) {
                continue;
            }
            Object list = group(path).attributes().get("cuboid_track_observations");
            if (!(list instanceof List<?> observations)) {
                throw bad(path, "attribute cuboid_track_observations missing");
            }
            String instance = instancePath.substring("cuboids/".length());
            for (int i = 0; i < observations.size(); i++) {
                out.add(cuboid(instance, path, i, observations.get(i)));
            }
        }
        return out;
    }

    private CuboidObservationFrame cuboid(String instance, String path, int i, Object o)
            throws SequenceFormatException {
        String what = "cuboid_track_observations[" + i + "]";
        if (!(o instanceof Map<?, ?> m) || !(m.get("bbox3") instanceof Map<?, ?> bbox)) {
            throw bad(path, what + " is not an observation with a bbox3");
        }
        Object version = m.get("source_version");
        return new CuboidObservationFrame(instance, string(m.get("track_id"), path, what + ".track_id"),
                string(m.get("class_id"), path, what + ".class_id"), number(m.get("timestamp_us"), path, what
                + ".timestamp_us"), string(m.get("reference_frame_id"), path, what + ".reference_frame_id"),
                number(m.get("reference_frame_timestamp_us"), path, what + ".reference_frame_timestamp_us"),
                vector(bbox.get("centroid"), path, what + ".bbox3.centroid"),
                vector(bbox.get("dim"), path, what + ".bbox3.dim"), vector(bbox.get("rot"), path, what + ".bbox3.rot"),
                string(m.get("source"), path, what + ".source"),
                version == null ? Optional.empty() : Optional.of(string(version, path, what + ".source_version")));
    }

    private double[] vector(Object v, String path, String what) throws SequenceFormatException {
        if (!(v instanceof List<?> l) || l.size() != 3) {
            throw bad(path, what + " is not a list of 3 numbers: " + v);
        }
        double[] out = new double[3];
        for (int i = 0; i < 3; i++) {
            if (!(l.get(i) instanceof Number x)) {
                throw bad(path, what + " value " + l.get(i) + " is not a number");
            }
            out[i] = x.doubleValue();
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (ZarrArchiveReader z : stores) {
            try {
                z.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private NdArray readArray(String path) throws IOException {
        return storeOf.get(path).readArray(path);
    }

    // ------------------------------------------------------------------ helpers

    /** Direct children of a node, sorted by path. */
    private List<String> children(String parent) {
        String prefix = parent.isEmpty() ? "" : parent + "/";
        List<String> out = new ArrayList<>();
        for (String p : nodes.subMap(prefix, prefix + Character.MAX_VALUE).keySet()) {
            if (p.length() > prefix.length() && p.indexOf('/', prefix.length()) < 0) {
                out.add(p);
            }
        }
        return out;
    }

    private Node group(String path) throws SequenceFormatException {
        Node n = nodes.get(path);
        if (n == null || n.isArray()) {
            throw bad(path, n == null ? "group missing" : "expected a group, found an array");
        }
        return n;
    }

    private NdArray array(String path, DataType type, long[] shape) throws IOException {
        Node n = nodes.get(path);
        if (n == null || !n.isArray()) {
            throw bad(path, n == null ? "array missing" : "expected an array, found a group");
        }
        NdArray a = readArray(path);
        if (type != null && !a.dtype().equals(type)) {
            throw bad(path, "dtype " + a.dtype() + ", expected " + type);
        }
        if (!Arrays.equals(a.shape(), shape)) {
            throw bad(path, "shape " + Arrays.toString(a.shape()) + ", expected " + Arrays.toString(shape));
        }
        return a;
    }

    private double[] matrix(Object rows, String path, String key) throws SequenceFormatException {
        double[] m = new double[16];
        if (!(rows instanceof List<?> rl) || rl.size() != 4) {
            throw bad(path, key + ": pose is not a 4x4 nested list");
        }
        for (int r = 0; r < 4; r++) {
            if (!(rl.get(r) instanceof List<?> row) || row.size() != 4) {
                throw bad(path, key + ": pose is not a 4x4 nested list");
            }
            for (int c = 0; c < 4; c++) {
                if (!(row.get(c) instanceof Number x)) {
                    throw bad(path, key + ": pose value " + row.get(c) + " is not a number");
                }
                m[r * 4 + c] = x.doubleValue();
            }
        }
        return m;
    }

    private long number(Object v, String path, String what) throws SequenceFormatException {
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        if (v instanceof java.math.BigInteger b && b.bitLength() < 64) {
            return b.longValue();
        }
        throw bad(path, what + " is not an integer: " + v);
    }

    private String string(Object v, String path, String what) throws SequenceFormatException {
        if (v instanceof String s) {
            return s;
        }
        throw bad(path, "attribute " + what + " is not a string: " + v);
    }

    private static ObjectNode objectOrEmpty(Object v) {
        if (v instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, ?> sm = (Map<String, ?>) m;
            return JsonValues.toObjectNode(sm);
        }
        return JsonNodeFactory.instance.objectNode();
    }

    private SequenceFormatException bad(String node, String what) {
        ZarrArchiveReader z = storeOf.get(node);
        return new SequenceFormatException((z != null ? z.name() : source) + ": node '" + node + "': " + what);
    }
}
