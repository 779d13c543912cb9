package dev.itar.ingest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.frames.CameraFrame;
import dev.itar.frames.CameraMask;
import dev.itar.frames.CameraMasksFrame;
import dev.itar.frames.ComponentMetaFrame;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.frames.EndFrame;
import dev.itar.frames.Frame;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.LidarFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.RadarFrame;
import dev.itar.frames.StartFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.frames.TypedArray;
import dev.itar.frames.WireEncoder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Builds valid wire-format records for one recording, deterministically from its id and the times given:
 * JPEG-looking camera images, lidar sweeps with unit directions and NaN gaps (absent returns), radar, rigid
 * poses, extrinsics and intrinsics. {@link #records()} lists them in the order they were added, as
 * (key, value) pairs ready to produce; {@link #frames()} keeps the decoded form for comparing with an archive.
 */
final class TestRecordings {
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** One record to produce: key = recording id, value = wire bytes, and the frame it encodes. */
    record Rec(String key, byte[] value, Frame frame) {
        byte[] keyBytes() {
            return key.getBytes(StandardCharsets.UTF_8);
        }
    }

    private final String id;
    private final List<Rec> records = new ArrayList<>();

    TestRecordings(String id) {
        this.id = id;
    }

    String id() {
        return id;
    }

    List<Rec> records() {
        return List.copyOf(records);
    }

    List<Frame> frames() {
        return records.stream().map(Rec::frame).toList();
    }

    /** The last record added (e.g. to produce it twice). */
    Rec last() {
        return records.get(records.size() - 1);
    }

    TestRecordings add(Frame frame) {
        records.add(new Rec(id, WireEncoder.encode(frame), frame));
        return this;
    }

    TestRecordings start(String sequenceId, ObjectNode meta) {
        return add(new StartFrame(Optional.ofNullable(sequenceId), meta));
    }

    TestRecordings camera(String sensor, long t1) {
        return add(cameraFrame(sensor, t1, 0));
    }

    static CameraFrame cameraFrame(String sensor, long t1, int variant) {
        ObjectNode meta = JSON.objectNode().put("exposure_us", 800 + (t1 % 97)).put("gain", 1.5);
        SortedMap<String, TypedArray> data = new TreeMap<>();
        data.put("rolling_shutter_lines", new TypedArray("uint16", new long[] {4}, uint16s(0, 1, 2, 3)));
        return new CameraFrame(sensor, t1 - 33_000, t1, "jpeg", jpeg(sensor.hashCode() + t1 + variant, 3000), meta,
                data);
    }

    TestRecordings lidar(String sensor, long t1, int n, int r) {
        return add(lidarFrame(sensor, t1, n, r));
    }

    static LidarFrame lidarFrame(String sensor, long t1, int n, int r) {
        long t0 = t1 - 100_000;
        Rays rays = rays(t0, t1, n, r, t1);
        return new LidarFrame(sensor, t0, t1, n, r, rays.direction, rays.timestamps, rays.distance, rays.intensity,
                modelElements(n), JSON.objectNode().put("spin", t1 / 100_000), null);
    }

    TestRecordings radar(String sensor, long t1, int n, int r) {
        long t0 = t1 - 50_000;
        Rays rays = rays(t0, t1, n, r, t1 + 7);
        return add(new RadarFrame(sensor, t0, t1, n, r, rays.direction, rays.timestamps, rays.distance, null, null));
    }

    /** rig → world: a rotation about z by an angle growing with t, and a translation along x. */
    TestRecordings pose(long t) {
        return add(new PoseFrame("rig", "world", t, rigid(t * 1e-7, t * 1e-5, 2.0, 0.5)));
    }

    TestRecordings staticPose(String sensor, double x) {
        return add(new StaticPoseFrame(sensor, "rig", rigid(0.1, x, 0.0, 1.5)));
    }

    TestRecordings cameraIntrinsics(String sensor) {
        ObjectNode model = JSON.objectNode().put("camera_model_type", "opencv_pinhole");
        ObjectNode params = model.putObject("camera_model_parameters");
        params.putArray("resolution").add(1920).add(1080);
        params.putArray("principal_point").add(959.5).add(539.5);
        params.putArray("focal_length").add(1000.0).add(1000.0);
        params.put("shutter_type", "GLOBAL");
        return add(new IntrinsicsFrame(sensor, "camera", model));
    }

    /** Wire format 1.1: the generic meta data of a component instance. */
    TestRecordings componentMeta(String component, String instance, ObjectNode meta) {
        return add(new ComponentMetaFrame(component, instance, meta));
    }

    /** Wire format 1.1: an ego mask and a second mask of {@code camera}, PNG-looking bytes derived from its name. */
    TestRecordings masks(String instance, String camera) {
        return add(new CameraMasksFrame(instance, camera, List.of(
                new CameraMask("ego", "png", jpeg(camera.hashCode(), 200)),
                new CameraMask("hood.v2", "png", jpeg(camera.hashCode() + 1, 120)))));
    }

    /** Wire format 1.1: an observation of {@code track} at {@code t}, given in {@code camera}'s frame. */
    TestRecordings cuboid(String instance, String track, long t, String camera) {
        return add(cuboidFrame(instance, track, t, camera));
    }

    static CuboidObservationFrame cuboidFrame(String instance, String track, long t, String camera) {
        double x = (t % 10_000_000) * 1e-6;
        return new CuboidObservationFrame(instance, track, "automobile", t, camera, t - 1_000,
                new double[] {x, -1.5, 0.8}, new double[] {4.5, 1.9, 1.6}, new double[] {0, 0, x * 0.01},
                "AUTOLABEL", Optional.of("v" + track.length()));
    }

    TestRecordings end(Long t) {
        return add(new EndFrame(t == null ? OptionalLong.empty() : OptionalLong.of(t)));
    }

    /** Bytes that start and end like a JPEG, with deterministic pseudo-random content. */
    static byte[] jpeg(long seed, int size) {
        byte[] b = new byte[size];
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < size; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
        b[0] = (byte) 0xFF;
        b[1] = (byte) 0xD8;
        b[2] = (byte) 0xFF;
        b[3] = (byte) 0xE0;
        b[size - 2] = (byte) 0xFF;
        b[size - 1] = (byte) 0xD9;
        return b;
    }

    record Rays(byte[] direction, byte[] timestamps, byte[] distance, byte[] intensity) {
    }

    /** n unit directions on a spiral, times spread over [t0, t1], distances with every 5th return absent (NaN). */
    static Rays rays(long t0, long t1, int n, int r, long seed) {
        ByteBuffer dir = le(n * 3 * 4);
        ByteBuffer ts = le(n * 8);
        for (int i = 0; i < n; i++) {
            double az = 2 * Math.PI * i / Math.max(1, n) + seed % 7;
            double el = 0.3 * Math.sin(i * 0.7);
            float x = (float) (Math.cos(el) * Math.cos(az));
            float y = (float) (Math.cos(el) * Math.sin(az));
            float z = (float) Math.sin(el);
            float norm = (float) Math.sqrt(x * x + y * y + z * z);
            dir.putFloat(x / norm).putFloat(y / norm).putFloat(z / norm);
            ts.putLong(n == 1 ? t0 : t0 + (t1 - t0) * i / (n - 1));
        }
        ByteBuffer dist = le(r * n * 4);
        ByteBuffer inten = le(r * n * 4);
        for (int k = 0; k < r * n; k++) {
            boolean absent = (k + seed) % 5 == 0;
            dist.putFloat(absent ? Float.NaN : 1.0f + (k * 37 + seed) % 800 / 10.0f);
            inten.putFloat(absent ? Float.NaN : ((k * 13 + seed) % 101) / 100.0f);
        }
        return new Rays(dir.array(), ts.array(), dist.array(), inten.array());
    }

    static byte[] modelElements(int n) {
        ByteBuffer b = le(n * 2 * 2);
        for (int i = 0; i < n; i++) {
            b.putShort((short) (i % 64)).putShort((short) (i / 64));
        }
        return b.array();
    }

    /** A rigid transform: rotation by {@code angle} about z, translation (tx, ty, tz). */
    static double[] rigid(double angle, double tx, double ty, double tz) {
        double c = Math.cos(angle);
        double s = Math.sin(angle);
        return new double[] {
                c, -s, 0, tx,
                s, c, 0, ty,
                0, 0, 1, tz,
                0, 0, 0, 1};
    }

    static byte[] uint16s(int... values) {
        ByteBuffer b = le(values.length * 2);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
