package dev.itar.frames;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Valid wire records as mutable maps; a test changes one field and checks the decoder's answer.
 * Lidar/radar: n=4 rays along the axes, r=2 returns, times 1000..1003 in [1000, 1010].
 */
final class TestRecords {
    static final String ID = "drive-2024.07_a";
    static final int N = 4;
    static final int R = 2;

    private TestRecords() {
    }

    static Map<String, Object> base(String type) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1);
        m.put("type", type);
        return m;
    }

    static Map<String, Object> camera() {
        Map<String, Object> m = base("camera");
        m.put("sensor", "camera_front-wide");
        m.put("t0", 1000L);
        m.put("t1", 1033L);
        m.put("format", "jpeg");
        m.put("image", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x00, 0x01});
        return m;
    }

    static Map<String, Object> lidar() {
        Map<String, Object> m = base("lidar");
        m.put("sensor", "lidar_top");
        m.put("t0", 1000L);
        m.put("t1", 1010L);
        m.put("n", N);
        m.put("r", R);
        m.put("direction", floats(1, 0, 0, 0, 1, 0, 0, 0, 1, 0.6f, 0.8f, 0));
        m.put("timestamp_us", uint64s(1000, 1001, 1002, 1010));
        m.put("distance_m", floats(1.5f, 2.5f, 0, 100, Float.NaN, 3, Float.NaN, 7));
        m.put("intensity", floats(0.5f, 1, 0, 0.25f, Float.NaN, 0.1f, Float.NaN, 0.9f));
        m.put("model_element", uint16s(0, 0, 0, 1, 1, 0, 1, 1));
        return m;
    }

    static Map<String, Object> radar() {
        Map<String, Object> m = lidar();
        m.put("type", "radar");
        m.put("sensor", "radar_front");
        m.remove("intensity");
        m.remove("model_element");
        return m;
    }

    static Map<String, Object> pose() {
        Map<String, Object> m = base("pose");
        m.put("source", "rig");
        m.put("target", "world");
        m.put("t", 1005L);
        m.put("matrix", rotationZ90(10, -2, 0.5));
        return m;
    }

    static Map<String, Object> staticPose() {
        Map<String, Object> m = base("static_pose");
        m.put("source", "lidar_top");
        m.put("target", "rig");
        m.put("matrix", rotationZ90(1, 0, 1.8));
        return m;
    }

    static Map<String, Object> intrinsics() {
        Map<String, Object> m = base("intrinsics");
        m.put("sensor", "camera_front-wide");
        m.put("kind", "camera");
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("resolution", List.of(1920, 1080));
        model.put("shutter_type", "ROLLING_TOP_TO_BOTTOM");
        model.put("principal_point", List.of(960.5, 540.25));
        model.put("external_distortion", null);
        model.put("nested", Map.of("ok", true));
        m.put("model", model);
        return m;
    }

    static Map<String, Object> start() {
        Map<String, Object> m = base("start");
        m.put("sequence_id", "seq-0001");
        m.put("meta", Map.of("vehicle", "car-7"));
        return m;
    }

    static Map<String, Object> end() {
        Map<String, Object> m = base("end");
        m.put("t", 2000L);
        return m;
    }

    static Map<String, Object> componentMeta() {
        Map<String, Object> m = base("component_meta");
        m.put("component", "cameras");
        m.put("instance", "camera_front-wide");
        m.put("meta", Map.of("mount", "windshield", "fov_deg", 120.5));
        return m;
    }

    static Map<String, Object> mask(String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("format", "png");
        m.put("image", new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2});
        return m;
    }

    static Map<String, Object> cameraMasks() {
        Map<String, Object> m = base("camera_masks");
        m.put("camera", "camera_front-wide");
        m.put("masks", new java.util.ArrayList<>(List.of(mask("ego"), mask("hood.v2"))));
        return m;
    }

    static Map<String, Object> cuboid() {
        Map<String, Object> m = base("cuboid_observation");
        m.put("instance", "autolabels");
        m.put("track_id", "track-17");
        m.put("class_id", "automobile");
        m.put("timestamp_us", 1005L);
        m.put("reference_frame_id", "lidar_top");
        m.put("reference_frame_timestamp_us", 1010L);
        m.put("centroid", f64(12.5, -3.25, 0.75));
        m.put("dim", f64(4.5, 1.9, 1.6));
        m.put("rot", f64(0, 0, 1.25));
        m.put("source", "AUTOLABEL");
        m.put("source_version", "v3.1");
        return m;
    }

    static byte[] f64(double... values) {
        return Matrices.float64Bytes(values);
    }

    static Map<String, Object> typedArray(String dtype, List<Long> shape, byte[] bytes) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("dtype", dtype);
        a.put("shape", shape);
        a.put("bytes", bytes);
        return a;
    }

    /** 90° rotation about z with translation (x, y, z), 128 bytes LE. */
    static byte[] rotationZ90(double x, double y, double z) {
        return Matrices.toBytes(0, -1, 0, x, 1, 0, 0, y, 0, 0, 1, z, 0, 0, 0, 1);
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] uint64s(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    static byte[] uint16s(int... values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }

    static Frame decode(Map<String, Object> record) throws InvalidRecordException {
        return WireDecoder.decode(ID, TestCbor.encode(record));
    }

    /** {@link #decode} for tests that expect a valid record and do not declare the checked exception. */
    static Frame decodeUnchecked(Map<String, Object> record) {
        try {
            return decode(record);
        } catch (InvalidRecordException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
