package dev.itar.frames;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static dev.itar.frames.InvalidRecordException.BAD_CBOR;
import static dev.itar.frames.InvalidRecordException.BAD_KEY;
import static dev.itar.frames.InvalidRecordException.BAD_LENGTH;
import static dev.itar.frames.InvalidRecordException.BAD_NAME;
import static dev.itar.frames.InvalidRecordException.BAD_VERSION;
import static dev.itar.frames.InvalidRecordException.MISSING_FIELD;
import static dev.itar.frames.InvalidRecordException.NOT_RIGID;
import static dev.itar.frames.InvalidRecordException.OUT_OF_RANGE;
import static dev.itar.frames.InvalidRecordException.TOO_LARGE;
import static dev.itar.frames.InvalidRecordException.UNKNOWN_TYPE;
import static dev.itar.frames.InvalidRecordException.WRONG_TYPE;

/**
 * Decodes one Kafka record of wire format v1 ({@code wire-format.md}) into a {@link Frame} and
 * validates everything the contract states. Thread-safe; stateless apart from a shared Jackson
 * mapper. Every rejection is an {@link InvalidRecordException}; no other exception escapes for any
 * input bytes.
 *
 * <h2>Decisions where wire-format.md is silent (a strict contract is safer)</h2>
 * <ul>
 * <li><b>CBOR:</b> exactly one map, no trailing bytes; map keys are text (at every level); no
 *     duplicate keys; no tags; simple values only false/true/null; valid UTF-8. Indefinite lengths
 *     are accepted (valid RFC 8949). At most {@link #MAX_RECORD_BYTES} bytes and
 *     {@link #MAX_DEPTH} levels of nesting.</li>
 * <li><b>Unknown fields</b> are rejected (code {@code unknown-field}), in records and in typed
 *     arrays, so a producer's typo ({@code "intensities"}) is not silently dropped.</li>
 * <li><b>uint</b> means CBOR major type 0 with a value ≤ 2^63-1 (a float such as 5.0 is rejected).
 *     {@code n} and {@code r} are ≥ 1 (an empty point cloud is not a frame).</li>
 * <li><b>Names:</b> sensor ids and pose {@code source}/{@code target} match
 *     {@code [A-Za-z0-9_-]{1,64}} (they become zarr node names); pose source ≠ target;
 *     {@code format} matches {@code [a-z0-9]{1,32}}; {@code data} names match
 *     {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,63}}; {@code sequence_id} follows the recording id syntax.</li>
 * <li><b>Camera image</b> is non-empty.</li>
 * <li><b>Lidar/radar values:</b> directions finite with |‖d‖−1| ≤ {@link #DIRECTION_TOLERANCE};
 *     distances finite ≥ 0 or NaN (±Infinity rejected); intensities in [0, 1], NaN exactly where the
 *     distance is NaN; each ray time in [t0, t1].</li>
 * <li><b>Pose matrix:</b> all 16 values finite, last row exactly 0 0 0 1, rotation block R with
 *     |RᵀR − I| ≤ {@link #ROTATION_TOLERANCE} element-wise and det(R) within the same tolerance of
 *     +1 (reflections are not rigid).</li>
 * <li><b>JSON-like maps</b> ({@code meta}, {@code model}): text keys; values text, booleans, null,
 *     integers within int64, finite floats, arrays and maps of those; no byte strings, no NaN or
 *     infinities (they have no JSON spelling).</li>
 * <li><b>Typed arrays:</b> exactly {@code dtype}, {@code shape}, {@code bytes}; at most 32
 *     dimensions; zero-sized dimensions allowed (then {@code bytes} is empty); 0-d allowed.</li>
 * <li><b>Absent optional fields</b> decode to empty values ({@code meta} {}, {@code data} {},
 *     empty Optional); a lidar without {@code model_element} has {@code modelElement() == null}.</li>
 * </ul>
 */
public final class WireDecoder {
    /** Largest record value accepted, in bytes. */
    public static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;
    /** Deepest nesting of CBOR maps/arrays accepted (the top-level map is depth 1). */
    public static final int MAX_DEPTH = 64;
    /** Allowed deviation of a ray direction's Euclidean norm from 1. */
    public static final double DIRECTION_TOLERANCE = 1e-3;
    /** Allowed element-wise deviation of RᵀR from I, and of det(R) from 1, in a pose matrix. */
    public static final double ROTATION_TOLERANCE = 1e-4;
    /** Most dimensions of a typed array. */
    public static final int MAX_DIMENSIONS = 32;

    /** Sensor ids and pose frame names (they become zarr node names in an ncore archive). */
    public static final Pattern SENSOR = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final Pattern FORMAT = Pattern.compile("[a-z0-9]{1,32}");
    /** Names of generic data entries and of camera masks (zarr node names below a frame or camera). */
    public static final Pattern DATA_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private static final Set<String> START_FIELDS = Set.of("v", "type", "sequence_id", "meta");
    private static final Set<String> CAMERA_FIELDS = Set.of("v", "type", "sensor", "t0", "t1", "format", "image",
            "meta", "data");
    private static final Set<String> LIDAR_FIELDS = Set.of("v", "type", "sensor", "t0", "t1", "n", "r", "direction",
            "timestamp_us", "distance_m", "intensity", "model_element", "meta", "data");
    private static final Set<String> RADAR_FIELDS = Set.of("v", "type", "sensor", "t0", "t1", "n", "r", "direction",
            "timestamp_us", "distance_m", "meta", "data");
    private static final Set<String> POSE_FIELDS = Set.of("v", "type", "source", "target", "t", "matrix");
    private static final Set<String> STATIC_POSE_FIELDS = Set.of("v", "type", "source", "target", "matrix", "dtype");
    private static final Set<String> INTRINSICS_FIELDS = Set.of("v", "type", "sensor", "kind", "model");
    private static final Set<String> END_FIELDS = Set.of("v", "type", "t");
    private static final Set<String> COMPONENT_META_FIELDS = Set.of("v", "type", "component", "instance", "meta");
    private static final Set<String> CAMERA_MASKS_FIELDS = Set.of("v", "type", "instance", "camera", "masks");
    private static final Set<String> MASK_FIELDS = Set.of("name", "format", "image");
    private static final Set<String> CUBOID_FIELDS = Set.of("v", "type", "instance", "track_id", "class_id",
            "timestamp_us", "reference_frame_id", "reference_frame_timestamp_us", "centroid", "dim", "rot", "source",
            "source_version");
    private static final Set<String> TYPED_ARRAY_FIELDS = Set.of("dtype", "shape", "bytes");
    private static final Set<String> TYPES = Set.of("start", "camera", "lidar", "radar", "pose", "static_pose",
            "intrinsics", "component_meta", "camera_masks", "cuboid_observation", "end");
    /** A static pose's dtypes: the default first. */
    private static final java.util.List<String> STATIC_POSE_DTYPES = java.util.List.of("float64", "float32");
    /** Longest track id, class id and source version of a cuboid observation, in characters. */
    public static final int MAX_LABEL_CHARS = 256;

    private static final ObjectMapper MAPPER = createMapper();
    /** Reads one field's value of the top-level map, with more fields after it. */
    private static final ObjectMapper SUBTREES = MAPPER.copy().disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private WireDecoder() {
    }

    private static ObjectMapper createMapper() {
        CBORFactory factory = CBORFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxDocumentLength(MAX_RECORD_BYTES)
                        .maxStringLength(MAX_RECORD_BYTES)
                        .maxNameLength(MAX_RECORD_BYTES)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        ObjectMapper mapper = new ObjectMapper(factory);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        return mapper;
    }

    /**
     * @param recordingId the Kafka record key
     * @param value       the Kafka record value
     * @return the validated frame
     * @throws InvalidRecordException with a reason naming the field and the value or limit
     */
    public static Frame decode(String recordingId, byte[] value) throws InvalidRecordException {
        if (!RecordingIds.isValid(recordingId)) {
            throw new InvalidRecordException(BAD_KEY, RecordingIds.describeInvalid(recordingId));
        }
        if (value == null) {
            throw new InvalidRecordException(BAD_CBOR, "record value is missing (null); it must be one CBOR map");
        }
        if (value.length > MAX_RECORD_BYTES) {
            throw new InvalidRecordException(TOO_LARGE, "record value has " + value.length
                    + " bytes, more than the limit of " + MAX_RECORD_BYTES);
        }
        CborScanner.check(value, MAX_DEPTH);
        JsonNode tree;
        try {
            tree = topLevelMap(value);
        } catch (JacksonException e) {
            throw new InvalidRecordException(BAD_CBOR, "record value is not acceptable CBOR: "
                    + Describe.clip(e.getOriginalMessage()), e);
        } catch (IOException | RuntimeException e) {
            throw new InvalidRecordException(BAD_CBOR, "record value could not be parsed as CBOR: " + e, e);
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidRecordException(BAD_CBOR, "record value must be one CBOR map");
        }
        return frame((ObjectNode) tree);
    }

    /**
     * The record's top-level map as a tree, its byte-string values copied once straight out of the record (Jackson
     * would gather a large byte string in chunks and copy it again); everything else as Jackson reads it.
     * {@link CborScanner} has already checked the structure, so the value is exactly one map.
     */
    private static ObjectNode topLevelMap(byte[] value) throws IOException {
        ObjectNode map = MAPPER.getNodeFactory().objectNode();
        try (JsonParser p = MAPPER.getFactory().createParser(value)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken token = p.nextToken();
                byte[] bytes = token == JsonToken.VALUE_EMBEDDED_OBJECT
                        ? byteString(value, p.currentTokenLocation().getByteOffset()) : null;
                JsonNode node = bytes != null ? MAPPER.getNodeFactory().binaryNode(bytes)
                        : SUBTREES.readTree(p);
                map.set(name, node); // a repeated name has already failed the parser's duplicate detection
            }
        }
        return map;
    }

    /**
     * The content of the definite-length byte string whose initial byte is at {@code offset}, or null where it is
     * not one (an indefinite-length byte string: Jackson reads that).
     */
    private static byte[] byteString(byte[] value, long offset) {
        if (offset < 0 || offset >= value.length || (value[(int) offset] & 0xE0) != 0x40) {
            return null;
        }
        int at = (int) offset;
        int info = value[at] & 0x1F;
        int header = info < 24 ? 1 : info == 24 ? 2 : info == 25 ? 3 : info == 26 ? 5 : info == 27 ? 9 : -1;
        if (header < 0) {
            return null;
        }
        long length = info < 24 ? info : 0;
        for (int i = 1; i < header; i++) {
            length = (length << 8) | (value[at + i] & 0xFF);
        }
        return Arrays.copyOfRange(value, at + header, Math.toIntExact(at + header + length));
    }

    private static Frame frame(ObjectNode map) throws InvalidRecordException {
        Fields record = new Fields("record", map);
        long version = record.uint("v");
        if (version != 1) {
            throw new InvalidRecordException(BAD_VERSION, "record field 'v' is " + version
                    + "; this ingest understands wire format version 1 only");
        }
        String type = record.text("type");
        if (!TYPES.contains(type)) {
            throw new InvalidRecordException(UNKNOWN_TYPE, "record field 'type' is '" + Describe.clip(type)
                    + "'; known types are " + new java.util.TreeSet<>(TYPES));
        }
        Fields f = new Fields(type, map);
        return switch (type) {
            case "start" -> start(f);
            case "camera" -> camera(f);
            case "lidar" -> lidar(f);
            case "radar" -> radar(f);
            case "pose" -> pose(f);
            case "static_pose" -> staticPose(f);
            case "intrinsics" -> intrinsics(f);
            case "component_meta" -> componentMeta(f);
            case "camera_masks" -> cameraMasks(f);
            case "cuboid_observation" -> cuboidObservation(f);
            default -> end(f);
        };
    }

    private static StartFrame start(Fields f) throws InvalidRecordException {
        f.rejectUnknown(START_FIELDS);
        Optional<String> sequenceId = f.has("sequence_id")
                ? Optional.of(f.text("sequence_id", RecordingIds.SYNTAX, RecordingIds.syntax() + " (like a recording id)"))
                : Optional.empty();
        return new StartFrame(sequenceId, optionalJsonMap(f, "meta"));
    }

    private static EndFrame end(Fields f) throws InvalidRecordException {
        f.rejectUnknown(END_FIELDS);
        return new EndFrame(f.has("t") ? OptionalLong.of(f.uint("t")) : OptionalLong.empty());
    }

    private static IntrinsicsFrame intrinsics(Fields f) throws InvalidRecordException {
        f.rejectUnknown(INTRINSICS_FIELDS);
        String sensor = sensor(f);
        String kind = f.text("kind");
        if (!kind.equals("camera") && !kind.equals("lidar")) {
            throw f.error(OUT_OF_RANGE, "kind", "is '" + Describe.clip(kind) + "'; it must be 'camera' or 'lidar'");
        }
        ObjectNode model = f.mapField("model");
        JsonLike.check(f.field("model"), model);
        return new IntrinsicsFrame(sensor, kind, model);
    }

    private static PoseFrame pose(Fields f) throws InvalidRecordException {
        f.rejectUnknown(POSE_FIELDS);
        String[] names = sourceTarget(f);
        long t = f.uint("t");
        return new PoseFrame(names[0], names[1], t, matrix(f, "float64"));
    }

    private static StaticPoseFrame staticPose(Fields f) throws InvalidRecordException {
        f.rejectUnknown(STATIC_POSE_FIELDS);
        String[] names = sourceTarget(f);
        String dtype = f.has("dtype") ? f.textOneOf("dtype", STATIC_POSE_DTYPES) : "float64";
        return new StaticPoseFrame(names[0], names[1], matrix(f, dtype), dtype);
    }

    private static ComponentMetaFrame componentMeta(Fields f) throws InvalidRecordException {
        f.rejectUnknown(COMPONENT_META_FIELDS);
        String component = f.textOneOf("component", ComponentMetaFrame.COMPONENTS);
        String instance = f.text("instance", SENSOR, SENSOR.pattern());
        if (ComponentMetaFrame.SINGLE_INSTANCE_COMPONENTS.contains(component) && !instance.equals("default")) {
            throw f.error(OUT_OF_RANGE, "instance", "is '" + instance + "' for component '" + component
                    + "'; the archive has one " + component + " instance, 'default'");
        }
        if (!f.has("meta")) {
            throw new InvalidRecordException(MISSING_FIELD, "component_meta is missing required field 'meta' "
                    + "(a map: the instance's generic_meta_data)");
        }
        return new ComponentMetaFrame(component, instance, optionalJsonMap(f, "meta"));
    }

    private static String instance(Fields f, String fallback) throws InvalidRecordException {
        return f.has("instance") ? f.text("instance", SENSOR, SENSOR.pattern()) : fallback;
    }

    private static CameraMasksFrame cameraMasks(Fields f) throws InvalidRecordException {
        f.rejectUnknown(CAMERA_MASKS_FIELDS);
        String instance = instance(f, CameraMasksFrame.DEFAULT_INSTANCE);
        String camera = f.text("camera", SENSOR, SENSOR.pattern());
        if (!f.has("masks")) {
            throw new InvalidRecordException(MISSING_FIELD, "camera_masks is missing required field 'masks' "
                    + "(an array of maps {name, format, image})");
        }
        JsonNode list = f.node("masks");
        if (!(list instanceof ArrayNode)) {
            throw f.error(WRONG_TYPE, "masks", "must be an array of maps {name, format, image}, got "
                    + Describe.node(list));
        }
        java.util.List<CameraMask> masks = new java.util.ArrayList<>(list.size());
        Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isObject()) {
                throw f.error(WRONG_TYPE, "masks", "entry " + i + " must be a map {name, format, image}, got "
                        + Describe.node(list.get(i)));
            }
            Fields m = new Fields(f.owner() + " field 'masks' entry " + i + ":", (ObjectNode) list.get(i));
            m.rejectUnknown(MASK_FIELDS);
            String name = m.text("name", DATA_NAME, DATA_NAME.pattern() + ", not zarr.json (it becomes a zarr node)");
            if (name.equals("zarr.json")) {
                throw m.error(BAD_NAME, "name", "is 'zarr.json', the name of a zarr metadata document; choose another");
            }
            if (!names.add(name)) {
                throw m.error(BAD_NAME, "name", "is '" + name + "', which an earlier entry of 'masks' already has; "
                        + "mask names of a camera are unique");
            }
            String format = m.text("format", FORMAT, FORMAT.pattern() + " (e.g. png)");
            byte[] image = m.bytes("image", "the encoded mask image");
            if (image.length == 0) {
                throw m.error(BAD_LENGTH, "image", "is empty; a mask needs its encoded image");
            }
            masks.add(new CameraMask(name, format, image));
        }
        return new CameraMasksFrame(instance, camera, masks);
    }

    private static CuboidObservationFrame cuboidObservation(Fields f) throws InvalidRecordException {
        f.rejectUnknown(CUBOID_FIELDS);
        String instance = instance(f, CuboidObservationFrame.DEFAULT_INSTANCE);
        String trackId = label(f, "track_id");
        String classId = label(f, "class_id");
        long timestamp = f.uint("timestamp_us");
        String referenceFrame = f.text("reference_frame_id", SENSOR, SENSOR.pattern() + " (a frame name, as pose "
                + "source and target)");
        long referenceTimestamp = f.uint("reference_frame_timestamp_us");
        double[] centroid = vector3(f, "centroid", false);
        double[] dim = vector3(f, "dim", true);
        double[] rot = vector3(f, "rot", false);
        String source = f.textOneOf("source", CuboidObservationFrame.SOURCES);
        Optional<String> sourceVersion = f.has("source_version") ? Optional.of(label(f, "source_version"))
                : Optional.empty();
        return new CuboidObservationFrame(instance, trackId, classId, timestamp, referenceFrame, referenceTimestamp,
                centroid, dim, rot, source, sourceVersion);
    }

    /** Free text of 1 to {@link #MAX_LABEL_CHARS} characters (stored as JSON, not as a node name). */
    private static String label(Fields f, String name) throws InvalidRecordException {
        String value = f.text(name);
        int chars = value.codePointCount(0, value.length());
        if (chars == 0 || chars > MAX_LABEL_CHARS) {
            throw f.error(OUT_OF_RANGE, name, "has " + chars + " characters; it must have 1 to " + MAX_LABEL_CHARS);
        }
        return value;
    }

    /** Three finite float64 (24 bytes little-endian); {@code nonNegative} for extents. */
    private static double[] vector3(Fields f, String name, boolean nonNegative) throws InvalidRecordException {
        byte[] bytes = f.bytes(name, "float64 ×3, 24 bytes");
        if (bytes.length != 24) {
            throw f.error(BAD_LENGTH, name, "has " + bytes.length + " bytes; three float64 values need 24");
        }
        double[] v = Matrices.values(bytes);
        for (int i = 0; i < 3; i++) {
            if (!Double.isFinite(v[i]) || (nonNegative && !(v[i] >= 0))) {
                throw f.error(OUT_OF_RANGE, name, "value " + i + " is " + v[i] + "; "
                        + (nonNegative ? "extents must be finite and >= 0" : "values must be finite"));
            }
        }
        return v;
    }

    private static String[] sourceTarget(Fields f) throws InvalidRecordException {
        String source = f.text("source", SENSOR, SENSOR.pattern());
        String target = f.text("target", SENSOR, SENSOR.pattern());
        if (source.equals(target)) {
            throw f.error(BAD_NAME, "target", "equals field 'source' ('" + source
                    + "'); a pose relates two different frames");
        }
        return new String[] {source, target};
    }

    /** The 16 values of a valid rigid transform, sent as {@code dtype} (float64 or float32). */
    private static double[] matrix(Fields f, String dtype) throws InvalidRecordException {
        int bytes = dtype.equals("float32") ? Matrices.MATRIX_BYTES / 2 : Matrices.MATRIX_BYTES;
        byte[] matrix = f.bytes("matrix", dtype + " 4×4 row-major, " + bytes + " bytes");
        if (matrix.length != bytes) {
            throw f.error(BAD_LENGTH, "matrix", "has " + matrix.length + " bytes; a 4×4 " + dtype + " matrix needs "
                    + bytes);
        }
        double[] m = dtype.equals("float32") ? Matrices.float32Values(matrix) : Matrices.values(matrix);
        for (int i = 0; i < 16; i++) {
            if (!Double.isFinite(m[i])) {
                throw f.error(NOT_RIGID, "matrix", "has non-finite value " + m[i] + " at row " + i / 4
                        + ", column " + i % 4);
            }
        }
        if (m[12] != 0 || m[13] != 0 || m[14] != 0 || m[15] != 1) {
            throw f.error(NOT_RIGID, "matrix", "has last row [" + m[12] + ", " + m[13] + ", " + m[14] + ", " + m[15]
                    + "]; a rigid transform's last row is [0, 0, 0, 1]");
        }
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double dot = m[a] * m[b] + m[4 + a] * m[4 + b] + m[8 + a] * m[8 + b];
                double expected = a == b ? 1 : 0;
                if (Math.abs(dot - expected) > ROTATION_TOLERANCE) {
                    throw f.error(NOT_RIGID, "matrix", "rotation block is not orthonormal: (RᵀR)[" + a + "][" + b
                            + "] = " + dot + ", expected " + expected + " ± " + ROTATION_TOLERANCE);
                }
            }
        }
        double det = m[0] * (m[5] * m[10] - m[6] * m[9])
                - m[1] * (m[4] * m[10] - m[6] * m[8])
                + m[2] * (m[4] * m[9] - m[5] * m[8]);
        if (Math.abs(det - 1) > ROTATION_TOLERANCE) {
            throw f.error(NOT_RIGID, "matrix", "rotation block has determinant " + det
                    + "; a rigid transform has determinant +1 (no reflection)");
        }
        return m;
    }

    private static String sensor(Fields f) throws InvalidRecordException {
        return f.text("sensor", SENSOR, SENSOR.pattern());
    }

    /** sensor, t0, t1 with t0 ≤ t1; returns {t0, t1}. */
    private static long[] times(Fields f) throws InvalidRecordException {
        long t0 = f.uint("t0");
        long t1 = f.uint("t1");
        if (t0 > t1) {
            throw f.error(OUT_OF_RANGE, "t0", "is " + t0 + ", after field 't1' = " + t1 + "; t0 <= t1 is required");
        }
        return new long[] {t0, t1};
    }

    private static CameraFrame camera(Fields f) throws InvalidRecordException {
        f.rejectUnknown(CAMERA_FIELDS);
        String sensor = sensor(f);
        long[] t = times(f);
        String format = f.text("format", FORMAT, FORMAT.pattern() + " (e.g. jpeg, png)");
        byte[] image = f.bytes("image", "the encoded image");
        if (image.length == 0) {
            throw f.error(BAD_LENGTH, "image", "is empty; a camera frame needs the encoded image");
        }
        return new CameraFrame(sensor, t[0], t[1], format, image, optionalJsonMap(f, "meta"), data(f));
    }

    /** The ray arrays shared by lidar and radar, validated against n, r, t0, t1. */
    private record Rays(int n, int r, byte[] direction, byte[] timestampUs, byte[] distanceM) {
    }

    private static Rays rays(Fields f, long t0, long t1) throws InvalidRecordException {
        int n = count(f, "n", "rays N");
        int r = count(f, "r", "returns per ray R");
        byte[] direction = f.bytes("direction", "float32 N×3");
        requireLength(f, "direction", direction, 12L * n, "n=" + n + " needs " + 12L * n + " (float32 N×3)");
        byte[] timestampUs = f.bytes("timestamp_us", "uint64 N");
        requireLength(f, "timestamp_us", timestampUs, 8L * n, "n=" + n + " needs " + 8L * n + " (uint64 N)");
        byte[] distanceM = f.bytes("distance_m", "float32 R×N");
        requireLength(f, "distance_m", distanceM, 4L * r * n,
                "n=" + n + ", r=" + r + " needs " + 4L * r * n + " (float32 R×N)");

        RayChecks.directions(f, direction, n);
        RayChecks.timestamps(f, timestampUs, n, t0, t1);
        RayChecks.distances(f, distanceM, r, n);
        return new Rays(n, r, direction, timestampUs, distanceM);
    }

    private static int count(Fields f, String name, String what) throws InvalidRecordException {
        long value = f.uint(name);
        if (value < 1) {
            throw f.error(OUT_OF_RANGE, name, "is 0; the number of " + what + " must be at least 1");
        }
        if (value > MAX_RECORD_BYTES) {
            throw f.error(OUT_OF_RANGE, name, "is " + value + "; that many " + what
                    + " cannot fit in a record of at most " + MAX_RECORD_BYTES + " bytes");
        }
        return (int) value;
    }

    private static void requireLength(Fields f, String name, byte[] bytes, long expected, String rule)
            throws InvalidRecordException {
        if (bytes.length != expected) {
            throw f.error(BAD_LENGTH, name, "has " + bytes.length + " bytes; " + rule);
        }
    }

    private static LidarFrame lidar(Fields f) throws InvalidRecordException {
        f.rejectUnknown(LIDAR_FIELDS);
        String sensor = sensor(f);
        long[] t = times(f);
        Rays rays = rays(f, t[0], t[1]);
        int n = rays.n();
        int r = rays.r();
        byte[] intensity = f.bytes("intensity", "float32 R×N");
        requireLength(f, "intensity", intensity, 4L * r * n,
                "n=" + n + ", r=" + r + " needs " + 4L * r * n + " (float32 R×N)");
        RayChecks.intensities(f, intensity, rays.distanceM(), n);
        byte[] modelElement = null;
        if (f.has("model_element")) {
            modelElement = f.bytes("model_element", "uint16 N×2");
            requireLength(f, "model_element", modelElement, 4L * n, "n=" + n + " needs " + 4L * n + " (uint16 N×2)");
        }
        return new LidarFrame(sensor, t[0], t[1], n, r, rays.direction(), rays.timestampUs(), rays.distanceM(),
                intensity, modelElement, optionalJsonMap(f, "meta"), data(f));
    }

    private static RadarFrame radar(Fields f) throws InvalidRecordException {
        f.rejectUnknown(RADAR_FIELDS);
        String sensor = sensor(f);
        long[] t = times(f);
        Rays rays = rays(f, t[0], t[1]);
        return new RadarFrame(sensor, t[0], t[1], rays.n(), rays.r(), rays.direction(), rays.timestampUs(),
                rays.distanceM(), optionalJsonMap(f, "meta"), data(f));
    }

    private static ObjectNode optionalJsonMap(Fields f, String name) throws InvalidRecordException {
        if (!f.has(name)) {
            return null; // records turn null into an empty map
        }
        ObjectNode map = f.mapField(name);
        JsonLike.check(f.field(name), map);
        return map;
    }

    private static SortedMap<String, TypedArray> data(Fields f) throws InvalidRecordException {
        if (!f.has("data")) {
            return null;
        }
        ObjectNode map = f.mapField("data");
        SortedMap<String, TypedArray> result = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            if (!DATA_NAME.matcher(name).matches()) {
                throw f.error(BAD_NAME, "data", "has entry '" + Describe.clip(name) + "'; names must match "
                        + DATA_NAME.pattern());
            }
            if (!entry.getValue().isObject()) {
                throw f.error(WRONG_TYPE, "data", "entry '" + name + "' must be a map {dtype, shape, bytes}, got "
                        + Describe.node(entry.getValue()));
            }
            result.put(name, typedArray(new Fields(f.owner() + " field 'data' entry '" + name + "':",
                    (ObjectNode) entry.getValue())));
        }
        return result;
    }

    private static TypedArray typedArray(Fields f) throws InvalidRecordException {
        f.rejectUnknown(TYPED_ARRAY_FIELDS);
        String dtype = f.text("dtype");
        if (!TypedArray.DTYPES.contains(dtype)) {
            throw f.error(OUT_OF_RANGE, "dtype", "is '" + Describe.clip(dtype) + "'; allowed dtypes are "
                    + TypedArray.DTYPES);
        }
        if (!f.has("shape")) {
            throw new InvalidRecordException(MISSING_FIELD, f.owner() + " is missing required field 'shape'"
                    + " (an array of unsigned integers)");
        }
        JsonNode shapeNode = f.node("shape");
        if (!(shapeNode instanceof ArrayNode)) {
            throw f.error(WRONG_TYPE, "shape", "must be an array of unsigned integers, got " + Describe.node(shapeNode));
        }
        if (shapeNode.size() > MAX_DIMENSIONS) {
            throw f.error(OUT_OF_RANGE, "shape", "has " + shapeNode.size() + " dimensions; at most "
                    + MAX_DIMENSIONS + " are allowed");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = f.uintValue(shapeNode.get(i), "shape[" + i + "]");
        }
        byte[] bytes = f.bytes("bytes", "the values of dtype " + dtype + ", little-endian, C order");
        int itemSize = TypedArray.itemSize(dtype);
        long expected;
        try {
            long count = 1;
            for (long dim : shape) {
                count = Math.multiplyExact(count, dim);
            }
            expected = Math.multiplyExact(count, (long) itemSize);
        } catch (ArithmeticException overflow) {
            expected = -1;
        }
        if (expected != bytes.length) {
            throw f.error(BAD_LENGTH, "bytes", "has " + bytes.length + " bytes; shape "
                    + java.util.Arrays.toString(shape) + " of " + dtype + " needs "
                    + (expected < 0 ? "more than 2^63" : String.valueOf(expected)));
        }
        if (dtype.equals("bool")) {
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] != 0 && bytes[i] != 1) {
                    throw f.error(OUT_OF_RANGE, "bytes", "element " + i + " is " + (bytes[i] & 0xFF)
                            + "; bool elements must be 0 or 1");
                }
            }
        }
        return new TypedArray(dtype, shape, bytes);
    }
}
