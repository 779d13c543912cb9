package dev.itar.sim;

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

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One simulated vehicle = one recording: its trajectory, scene and sensors, and the frames they
 * produce. Every frame is a pure function of (vehicle seed, sensor, frame index), so frames can be
 * generated lazily and in any order and still come out byte-identical.
 */
final class SimulatedVehicle {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Lidar and radar returns closer than this are the vehicle itself and are dropped. */
    private static final double MIN_RANGE_M = 0.3;

    private final SimulatorConfig config;
    private final int index;
    private final String recordingId;
    private final long vehicleSeed;
    private final EgoTrajectory trajectory;
    private final Scene scene;
    private final List<SensorSpec> sensors;
    private final CameraRenderer renderer;

    SimulatedVehicle(SimulatorConfig config, int index) {
        this.config = config;
        this.index = index;
        this.recordingId = config.recordingId(index);
        this.vehicleSeed = mix(config.seed(), index);
        SplittableRandom random = new SplittableRandom(vehicleSeed);
        double speed = 6 + 8 * random.nextDouble();
        double yawRate = (random.nextBoolean() ? 1 : -1) * (0.005 + 0.025 * random.nextDouble());
        this.trajectory = new EgoTrajectory(config.startTimeUs(), speed, yawRate);
        this.scene = Scene.generate(trajectory, speed * config.durationUs() / 1e6, random);
        this.sensors = SensorSpec.layout(config);
        this.renderer = new CameraRenderer(scene, config.imageWidth(), config.imageHeight());
    }

    String recordingId() {
        return recordingId;
    }

    List<SensorSpec> sensors() {
        return sensors;
    }

    /** start, one static_pose per sensor, one intrinsics per camera: sent before any sensor data. */
    List<Frame> header() {
        List<Frame> frames = new ArrayList<>();
        ObjectNode meta = JSON.objectNode();
        meta.put("vehicle", "veh" + index);
        meta.put("seed", config.seed());
        meta.put("simulator", VehicleSimulator.NAME);
        meta.put("simulator_version", VehicleSimulator.VERSION);
        frames.add(new StartFrame(Optional.empty(), meta));
        for (SensorSpec sensor : sensors) {
            frames.add(new StaticPoseFrame(sensor.name(), "rig", sensor.sensorToRig().rowMajor4x4()));
        }
        for (SensorSpec sensor : sensors) {
            if (sensor.kind().equals("camera")) {
                frames.add(new IntrinsicsFrame(sensor.name(), "camera", cameraModel()));
            }
        }
        if (config.labels()) {
            for (SensorSpec sensor : sensors) {
                ObjectNode sensorMeta = JSON.objectNode().put("simulated", true).put("rate_hz", sensor.hz());
                frames.add(new ComponentMetaFrame(sensor.kind() + "s", sensor.name(), sensorMeta));
            }
            for (SensorSpec sensor : sensors) {
                if (sensor.kind().equals("camera")) {
                    frames.add(new CameraMasksFrame(CameraMasksFrame.DEFAULT_INSTANCE, sensor.name(), List.of(
                            new CameraMask("ego", "png", EgoMask.png(config.imageWidth(), config.imageHeight())))));
                }
            }
            frames.add(new ComponentMetaFrame("cuboids", CuboidObservationFrame.DEFAULT_INSTANCE, JSON.objectNode()
                    .put("source", VehicleSimulator.NAME).put("objects_per_observation",
                            SimulatorConfig.TRACKED_OBJECTS)));
        }
        return frames;
    }

    /** Time of cuboid observation {@code k} ({@link SimulatorConfig#TRACKED_OBJECTS} share one time). */
    long cuboidTime(long k) {
        return config.startTimeUs() + Math.round((k / SimulatorConfig.TRACKED_OBJECTS + 1) * 1e6
                / SimulatorConfig.CUBOID_HZ);
    }

    /**
     * Cuboid observation {@code k}: at its time, the j-th nearest scene object to the vehicle (j = k mod the
     * objects per time), in the world frame, as ground truth of the simulation; the track id is the object's.
     */
    CuboidObservationFrame cuboid(long k) {
        long t = cuboidTime(k);
        double[] ego = trajectory.rigToWorld(t).t();
        List<Scene.Box> boxes = new ArrayList<>(scene.boxes());
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < boxes.size(); i++) {
            order.add(i);
        }
        order.sort(java.util.Comparator.comparingDouble((Integer i) -> {
            double[] c = boxes.get(i).centre();
            return Math.hypot(c[0] - ego[0], c[1] - ego[1]);
        }).thenComparingInt(i -> i));
        int index = order.get((int) (k % SimulatorConfig.TRACKED_OBJECTS));
        Scene.Box b = boxes.get(index);
        return new CuboidObservationFrame(CuboidObservationFrame.DEFAULT_INSTANCE, "object-" + index, "obstacle", t,
                "world", t, b.centre(), new double[] {b.maxX() - b.minX(), b.maxY() - b.minY(), b.maxZ() - b.minZ()},
                new double[] {0, 0, 0}, "GT_SYNTHETIC", Optional.of(VehicleSimulator.VERSION));
    }

    /** ncore's opencv-pinhole camera model, keys as ncore writes them (see the drive-a fixture). */
    private ObjectNode cameraModel() {
        ObjectNode params = JSON.objectNode();
        params.putNull("external_distortion_parameters");
        params.putArray("focal_length").add(renderer.focalLength()).add(renderer.focalLength());
        params.putArray("principal_point").add(renderer.cx()).add(renderer.cy());
        params.set("radial_coeffs", zeros(6));
        params.putArray("resolution").add(config.imageWidth()).add(config.imageHeight());
        params.put("shutter_type", "GLOBAL");
        params.set("tangential_coeffs", zeros(2));
        params.set("thin_prism_coeffs", zeros(4));
        ObjectNode model = JSON.objectNode();
        model.set("camera_model_parameters", params);
        model.put("camera_model_type", "opencv-pinhole");
        return model;
    }

    private static com.fasterxml.jackson.databind.node.ArrayNode zeros(int n) {
        com.fasterxml.jackson.databind.node.ArrayNode array = JSON.arrayNode();
        for (int i = 0; i < n; i++) {
            array.add(0.0);
        }
        return array;
    }

    long poseTime(long k) {
        return config.startTimeUs() + Math.round(k * 1e6 / config.poseHz());
    }

    PoseFrame pose(long k) {
        long t = poseTime(k);
        return new PoseFrame("rig", "world", t, trajectory.rigToWorld(t).rowMajor4x4());
    }

    EndFrame end() {
        return new EndFrame(OptionalLong.of(config.endTimeUs()));
    }

    /** Start of frame {@code k} of a sensor: frames start on a fixed grid from the recording start. */
    long frameStart(SensorSpec sensor, long k) {
        return config.startTimeUs() + Math.round(k * 1e6 / sensor.hz());
    }

    private long period(SensorSpec sensor) {
        return Math.max(1, Math.round(1e6 / sensor.hz()));
    }

    /** End of frame {@code k}: the frame is complete (and sent) then. */
    long frameEnd(SensorSpec sensor, int sensorIndex, long k) {
        long t0 = frameStart(sensor, k);
        return switch (sensor.kind()) {
            case "camera" -> t0 + exposureUs(sensor, sensorIndex, k);
            case "lidar" -> t0 + period(sensor) - 1; // a full revolution
            default -> t0 + Math.min(period(sensor) - 1, 20_000);
        };
    }

    private long exposureUs(SensorSpec sensor, int sensorIndex, long k) {
        long exposure = 1_000 + frameRandom(sensorIndex, k).nextInt(4_000);
        return Math.min(exposure, period(sensor) - 1);
    }

    Frame sensorFrame(int sensorIndex, long k) {
        SensorSpec sensor = sensors.get(sensorIndex);
        return switch (sensor.kind()) {
            case "camera" -> camera(sensor, sensorIndex, k);
            case "lidar" -> lidar(sensor, sensorIndex, k);
            default -> radar(sensor, sensorIndex, k);
        };
    }

    private CameraFrame camera(SensorSpec sensor, int sensorIndex, long k) {
        long t0 = frameStart(sensor, k);
        long t1 = frameEnd(sensor, sensorIndex, k);
        long mid = t0 + (t1 - t0) / 2;
        Rigid cameraToWorld = trajectory.rigToWorld(mid).compose(sensor.sensorToRig());
        byte[] jpeg = renderer.renderJpeg(cameraToWorld, trajectory.arcLength(mid));
        ObjectNode meta = JSON.objectNode();
        meta.put("frame_index", k);
        TreeMap<String, TypedArray> data = new TreeMap<>();
        data.put("exposure_us", new TypedArray("uint32", new long[] {1}, le(4).putInt((int) (t1 - t0)).array()));
        float gain = (float) (frameRandom(sensorIndex, k).split().nextDouble() * 6.0);
        data.put("gain_db", new TypedArray("float32", new long[] {1}, le(4).putFloat(gain).array()));
        return new CameraFrame(sensor.name(), t0, t1, "jpeg", jpeg, meta, data);
    }

    private LidarFrame lidar(SensorSpec sensor, int sensorIndex, long k) {
        long t0 = frameStart(sensor, k);
        long t1 = frameEnd(sensor, sensorIndex, k);
        int n = config.lidarRays();
        int returns = config.lidarReturns();
        int rings = (int) Math.min(n, Math.max(16, (n + 65534L) / 65535));
        int columns = (n + rings - 1) / rings;
        SplittableRandom random = frameRandom(sensorIndex, k);

        ByteBuffer direction = le(n * 12);
        ByteBuffer timestamps = le(n * 8);
        float[] distance = new float[returns * n];
        float[] intensity = new float[returns * n];
        ByteBuffer modelElement = le(n * 4);

        Rigid rigAtStart = trajectory.rigToWorld(t0);
        Scene local = scene.around(rigAtStart.t()[0], rigAtStart.t()[1], Scene.MAX_RANGE_M + 30);
        Rigid sensorToWorld = null;
        int poseColumn = -1;
        long valid = 0;
        for (int i = 0; i < n; i++) {
            int column = i / rings;
            int ring = i % rings;
            long t = t0 + (t1 - t0) * column / Math.max(1, columns - 1);
            if (column != poseColumn) {
                // the sensor moves during the sweep: each column is measured from where the rig is then
                sensorToWorld = trajectory.rigToWorld(t).compose(sensor.sensorToRig());
                poseColumn = column;
            }
            double azimuth = 2 * Math.PI * column / columns;
            double elevation = rings == 1 ? Math.toRadians(-5)
                    : Math.toRadians(-20 + 30.0 * ring / (rings - 1));
            double[] dir = {Math.cos(elevation) * Math.cos(azimuth), Math.cos(elevation) * Math.sin(azimuth),
                    Math.sin(elevation)};
            direction.putFloat((float) dir[0]).putFloat((float) dir[1]).putFloat((float) dir[2]);
            timestamps.putLong(t);
            modelElement.putShort((short) ring).putShort((short) column);

            double[] origin = sensorToWorld.t();
            double[] worldDir = sensorToWorld.rotate(dir);
            double from = MIN_RANGE_M;
            boolean behindPossible = true;
            for (int r = 0; r < returns; r++) {
                Scene.Hit hit = null;
                // later returns only where the beam partly passes the edge of a box: nothing is behind the ground
                if (behindPossible && (r == 0 || random.nextDouble() < 0.35 / r)) {
                    hit = local.cast(origin, worldDir, from);
                }
                if (hit == null) {
                    distance[r * n + i] = Float.NaN;
                    intensity[r * n + i] = Float.NaN;
                    behindPossible = false;
                    continue;
                }
                double d = Math.max(0, hit.distance() + 0.01 * random.nextGaussian());
                double value = hit.reflectivity() * (1 - 0.4 * d / Scene.MAX_RANGE_M) / (1 + r)
                        + 0.02 * random.nextGaussian();
                distance[r * n + i] = (float) d;
                intensity[r * n + i] = (float) Math.min(1, Math.max(0, value));
                if (r == 0) {
                    valid++;
                }
                behindPossible = hit.box() != null;
                from = hit.distance() + 0.5;
            }
        }
        ObjectNode meta = JSON.objectNode();
        meta.put("sweep", k);
        TreeMap<String, TypedArray> data = new TreeMap<>();
        data.put("valid_first_returns", new TypedArray("uint32", new long[] {1}, le(4).putInt((int) valid).array()));
        return new LidarFrame(sensor.name(), t0, t1, n, returns, direction.array(), timestamps.array(),
                floats(distance), floats(intensity), modelElement.array(), meta, data);
    }

    /** A handful of detections fanned ±40° around the radar's boresight, one return each. */
    private RadarFrame radar(SensorSpec sensor, int sensorIndex, long k) {
        long t0 = frameStart(sensor, k);
        long t1 = frameEnd(sensor, sensorIndex, k);
        int n = 8;
        SplittableRandom random = frameRandom(sensorIndex, k);
        ByteBuffer direction = le(n * 12);
        ByteBuffer timestamps = le(n * 8);
        float[] distance = new float[n];
        ByteBuffer velocity = le(n * 4);
        Rigid rigAtStart = trajectory.rigToWorld(t0);
        Scene local = scene.around(rigAtStart.t()[0], rigAtStart.t()[1], Scene.MAX_RANGE_M + 30);
        for (int j = 0; j < n; j++) {
            long t = t0 + (t1 - t0) * j / (n - 1);
            double azimuth = Math.toRadians(-40 + 80.0 * (j + 0.5) / n + 2 * (random.nextDouble() - 0.5));
            double[] dir = {Math.cos(azimuth), Math.sin(azimuth), 0};
            direction.putFloat((float) dir[0]).putFloat((float) dir[1]).putFloat((float) dir[2]);
            timestamps.putLong(t);
            Rigid sensorToWorld = trajectory.rigToWorld(t).compose(sensor.sensorToRig());
            Scene.Hit hit = local.cast(sensorToWorld.t(), sensorToWorld.rotate(dir), MIN_RANGE_M);
            distance[j] = hit == null ? Float.NaN : (float) Math.max(0, hit.distance() + 0.05 * random.nextGaussian());
            double[] dirInRig = sensor.sensorToRig().rotate(dir);
            // static world: the radial velocity is minus the ego speed along the beam
            velocity.putFloat(hit == null ? 0f : (float) (-trajectory.speedMps() * dirInRig[0]));
        }
        TreeMap<String, TypedArray> data = new TreeMap<>();
        data.put("radial_velocity_mps", new TypedArray("float32", new long[] {n}, velocity.array()));
        return new RadarFrame(sensor.name(), t0, t1, n, 1, direction.array(), timestamps.array(), floats(distance),
                null, data);
    }

    private SplittableRandom frameRandom(int sensorIndex, long k) {
        return new SplittableRandom(mix(mix(vehicleSeed, 1000 + sensorIndex), k));
    }

    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] floats(float[] values) {
        ByteBuffer buffer = le(values.length * 4);
        for (float v : values) {
            buffer.putFloat(v);
        }
        return buffer.array();
    }

    /** SplitMix64 finaliser over a combination of two values: well-spread seeds for related streams. */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
