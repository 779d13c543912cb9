package dev.itar.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.itar.Fixtures;
import dev.itar.frames.CameraFrame;
import dev.itar.frames.EndFrame;
import dev.itar.frames.Frame;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.LidarFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.RadarFrame;
import dev.itar.frames.SensorFrame;
import dev.itar.frames.StartFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.frames.WireDecoder;
import dev.itar.frames.WireEncoder;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class VehicleSimulatorTest {

    private static SimulatorConfig small(long seed) {
        return SimulatorConfig.builder().vehicles(2).durationSeconds(1.5).seed(seed).lidarRays(256)
                .imageSize(96, 64).build();
    }

    private static List<SimRecord> all(SimulatorConfig config) {
        List<SimRecord> records = new ArrayList<>();
        new VehicleSimulator(config).records().forEachRemaining(records::add);
        return records;
    }

    private static String digest(SimulatorConfig config) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Iterator<SimRecord> it = new VehicleSimulator(config).records(); it.hasNext(); ) {
            SimRecord record = it.next();
            sha.update(record.recordingId().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(record.value());
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    @Test
    void everyRecordPassesTheWireDecoderAndDecodesToTheFrameItWasMadeFrom() throws Exception {
        for (SimRecord record : all(small(7))) {
            Frame decoded = WireDecoder.decode(record.recordingId(), record.value());
            assertThat(decoded.type()).isEqualTo(record.frame().type());
            // JSON number node classes may differ after decoding (int vs long); the wire bytes may not
            assertThat(WireEncoder.encode(decoded)).as("%s at %d", record.frame().type(), record.timeUs())
                    .isEqualTo(record.value());
        }
    }

    @Test
    void labelsAddComponentMetaAnEgoMaskPerCameraAndTrackedObjects() throws Exception {
        SimulatorConfig config = SimulatorConfig.builder().vehicles(1).durationSeconds(2).seed(3).lidarRays(64)
                .imageSize(96, 64).labels(true).build();
        List<SimRecord> records = all(config);
        assertThat(records).hasSize((int) new VehicleSimulator(config).recordsPerRecording());
        List<Frame> frames = new ArrayList<>();
        for (SimRecord record : records) {
            Frame decoded = WireDecoder.decode(record.recordingId(), record.value());
            assertThat(WireEncoder.encode(decoded)).isEqualTo(record.value());
            frames.add(decoded);
        }
        List<dev.itar.frames.ComponentMetaFrame> meta = frames.stream()
                .filter(dev.itar.frames.ComponentMetaFrame.class::isInstance)
                .map(dev.itar.frames.ComponentMetaFrame.class::cast).toList();
        assertThat(meta).extracting(dev.itar.frames.ComponentMetaFrame::key).containsExactly(
                "cameras/camera_front_wide", "cameras/camera_rear_wide", "lidars/lidar_top", "radars/radar_front",
                "cuboids/default");
        List<dev.itar.frames.CameraMasksFrame> masks = frames.stream()
                .filter(dev.itar.frames.CameraMasksFrame.class::isInstance)
                .map(dev.itar.frames.CameraMasksFrame.class::cast).toList();
        assertThat(masks).extracting(dev.itar.frames.CameraMasksFrame::camera).containsExactly("camera_front_wide",
                "camera_rear_wide");
        java.awt.image.BufferedImage ego = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                masks.get(0).masks().get(0).image()));
        assertThat(ego.getWidth()).isEqualTo(96);
        assertThat(ego.getHeight()).isEqualTo(64);
        assertThat(ego.getRaster().getSample(48, 63, 0)).isEqualTo(255); // the hood, bottom middle
        assertThat(ego.getRaster().getSample(48, 0, 0)).isZero();        // the scene
        List<dev.itar.frames.CuboidObservationFrame> cuboids = frames.stream()
                .filter(dev.itar.frames.CuboidObservationFrame.class::isInstance)
                .map(dev.itar.frames.CuboidObservationFrame.class::cast).toList();
        assertThat(cuboids).hasSize(SimulatorConfig.TRACKED_OBJECTS * 4); // 2 Hz for 2 s
        assertThat(cuboids.stream().map(c -> c.timestampUs()).distinct()).hasSize(4);
        assertThat(cuboids).allSatisfy(c -> {
            assertThat(c.timestampUs()).isBetween(config.startTimeUs(), config.endTimeUs());
            assertThat(c.dim()[0]).isPositive();
            assertThat(c.source()).isEqualTo("GT_SYNTHETIC");
        });
        // a tracked object keeps its track id while it stays among the nearest
        assertThat(cuboids.stream().map(c -> c.trackId()).distinct().count()).isLessThan(cuboids.size());
        // without labels none of them
        assertThat(all(small(3))).extracting(r -> r.frame().type())
                .doesNotContain("component_meta", "camera_masks", "cuboid_observation");
    }

    @Test
    void defaultConfigurationAlsoDecodes() throws Exception {
        SimulatorConfig config = SimulatorConfig.builder().durationSeconds(0.3).build();
        List<SimRecord> records = all(config);
        for (SimRecord record : records) {
            WireDecoder.decode(record.recordingId(), record.value());
        }
        LidarFrame lidar = records.stream().map(SimRecord::frame).filter(LidarFrame.class::isInstance)
                .map(LidarFrame.class::cast).findFirst().orElseThrow();
        assertThat(lidar.n()).isEqualTo(1024);
        assertThat(lidar.r()).isEqualTo(2);
    }

    @Test
    void sameSeedGivesIdenticalBytesAndDifferentSeedsDiffer() throws Exception {
        assertThat(digest(small(7))).isEqualTo(digest(small(7)));
        assertThat(digest(small(7))).isNotEqualTo(digest(small(8)));
    }

    @Test
    void frameCountsMatchRatesTimesDuration() {
        SimulatorConfig config = SimulatorConfig.builder().vehicles(3).durationSeconds(2).lidarRays(64)
                .imageSize(32, 24).seed(3).build();
        VehicleSimulator simulator = new VehicleSimulator(config);
        List<SimRecord> records = all(config);

        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        for (SimRecord record : records) {
            String what = record.frame() instanceof SensorFrame f ? f.sensor() : record.frame().type();
            counts.computeIfAbsent(record.recordingId(), id -> new TreeMap<>()).merge(what, 1, Integer::sum);
        }
        assertThat(simulator.recordingIds()).containsExactly("sim-veh1", "sim-veh2", "sim-veh3");
        assertThat(simulator.framesPerSensor()).containsOnly(
                Map.entry("camera_front_wide", 20L), Map.entry("camera_rear_wide", 20L),
                Map.entry("lidar_top", 20L), Map.entry("radar_front", 26L));
        assertThat(counts).containsOnlyKeys(simulator.recordingIds());
        for (Map<String, Integer> perRecording : counts.values()) {
            assertThat(perRecording).containsEntry("camera_front_wide", 20).containsEntry("camera_rear_wide", 20)
                    .containsEntry("lidar_top", 20).containsEntry("radar_front", 26)
                    .containsEntry("pose", 101).containsEntry("start", 1).containsEntry("end", 1)
                    .containsEntry("static_pose", 4).containsEntry("intrinsics", 2);
        }
        assertThat(records).hasSize((int) (3 * simulator.recordsPerRecording()));
    }

    @Test
    void recordsAreInSensorTimeOrderWithRecordingsInterleavedFromStartToEnd() {
        List<SimRecord> records = all(small(11));
        for (int i = 1; i < records.size(); i++) {
            assertThat(records.get(i).timeUs()).isGreaterThanOrEqualTo(records.get(i - 1).timeUs());
        }
        Map<String, List<Frame>> perRecording = new HashMap<>();
        for (SimRecord record : records) {
            perRecording.computeIfAbsent(record.recordingId(), id -> new ArrayList<>()).add(record.frame());
        }
        for (List<Frame> frames : perRecording.values()) {
            assertThat(frames.get(0)).isInstanceOf(StartFrame.class);
            assertThat(frames.get(frames.size() - 1)).isInstanceOf(EndFrame.class);
            long end = ((EndFrame) frames.get(frames.size() - 1)).t().orElseThrow();
            Map<String, Long> lastT1 = new HashMap<>();
            for (Frame frame : frames) {
                if (frame instanceof SensorFrame f) {
                    assertThat(f.t1()).isGreaterThan(lastT1.getOrDefault(f.sensor(), Long.MIN_VALUE)).isLessThanOrEqualTo(end);
                    lastT1.put(f.sensor(), f.t1());
                }
            }
        }
        // both vehicles send while the other is still recording
        List<String> firstKeys = records.subList(0, 40).stream().map(SimRecord::recordingId).distinct().toList();
        assertThat(firstKeys).hasSize(2);
        assertThat(records.get(0).timeUs()).isEqualTo(small(11).startTimeUs());
    }

    @Test
    void lidarSweepsHaveUnitDirectionsNanGapsAndRaysWithinTheFrame() {
        List<LidarFrame> sweeps = all(small(5)).stream().map(SimRecord::frame)
                .filter(LidarFrame.class::isInstance).map(LidarFrame.class::cast).toList();
        assertThat(sweeps).isNotEmpty();
        int nanFirst = 0;
        int secondReturns = 0;
        int secondNan = 0;
        for (LidarFrame sweep : sweeps) {
            ByteBuffer direction = le(sweep.direction());
            ByteBuffer time = le(sweep.timestampUs());
            ByteBuffer distance = le(sweep.distanceM());
            ByteBuffer intensity = le(sweep.intensity());
            ByteBuffer element = le(sweep.modelElement());
            TreeSet<Integer> rings = new TreeSet<>();
            for (int i = 0; i < sweep.n(); i++) {
                double x = direction.getFloat();
                double y = direction.getFloat();
                double z = direction.getFloat();
                assertThat(Math.sqrt(x * x + y * y + z * z)).isCloseTo(1.0, within(1e-6));
                assertThat(time.getLong()).isBetween(sweep.t0(), sweep.t1());
                rings.add(Short.toUnsignedInt(element.getShort()));
                element.getShort();
            }
            assertThat(rings).hasSize(16);
            for (int j = 0; j < sweep.r() * sweep.n(); j++) {
                float d = distance.getFloat();
                float v = intensity.getFloat();
                assertThat(Float.isNaN(v)).isEqualTo(Float.isNaN(d));
                if (!Float.isNaN(d)) {
                    assertThat(d).isBetween(0f, (float) Scene.MAX_RANGE_M + 1);
                    assertThat(v).isBetween(0f, 1f);
                }
                boolean second = j >= sweep.n();
                if (!second && Float.isNaN(d)) {
                    nanFirst++;
                }
                if (second && !Float.isNaN(d)) {
                    secondReturns++;
                }
                if (second && Float.isNaN(d)) {
                    secondNan++;
                }
            }
        }
        assertThat(nanFirst).as("rays into the sky").isPositive();
        assertThat(secondReturns).as("second returns past box edges").isPositive();
        assertThat(secondNan).isPositive();
    }

    @Test
    void radarScansHaveAFewDetections() {
        List<RadarFrame> scans = all(small(5)).stream().map(SimRecord::frame)
                .filter(RadarFrame.class::isInstance).map(RadarFrame.class::cast).toList();
        assertThat(scans).isNotEmpty().allSatisfy(scan -> {
            assertThat(scan.n()).isEqualTo(8);
            assertThat(scan.r()).isEqualTo(1);
            assertThat(scan.data()).containsKey("radial_velocity_mps");
        });
    }

    @Test
    void camerasSendDecodableJpegsOfAMovingScene() throws Exception {
        List<CameraFrame> images = all(small(5)).stream().filter(r -> r.recordingId().equals("sim-veh1"))
                .map(SimRecord::frame).filter(CameraFrame.class::isInstance).map(CameraFrame.class::cast)
                .filter(f -> f.sensor().equals("camera_front_wide")).toList();
        assertThat(images).hasSizeGreaterThan(2);
        for (CameraFrame frame : images) {
            assertThat(frame.format()).isEqualTo("jpeg");
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(frame.image()));
            assertThat(image.getWidth()).isEqualTo(96);
            assertThat(image.getHeight()).isEqualTo(64);
            int exposure = le(frame.data().get("exposure_us").bytes()).getInt();
            assertThat((long) exposure).isEqualTo(frame.t1() - frame.t0());
            assertThat(frame.meta().get("frame_index").asLong()).isEqualTo(images.indexOf(frame));
        }
        assertThat(images.get(0).image()).isNotEqualTo(images.get(images.size() - 1).image());
    }

    @Test
    void posesAreRigidAndTheEgoMovesSmoothly() {
        List<PoseFrame> poses = all(small(5)).stream().map(SimRecord::frame)
                .filter(PoseFrame.class::isInstance).map(PoseFrame.class::cast)
                .filter(p -> p.t() >= 0).toList();
        PoseFrame previous = null;
        for (PoseFrame pose : poses.subList(0, poses.size() / 2)) { // first vehicle's half is enough
            double[] m = pose.matrix();
            assertThat(new double[] {m[12], m[13], m[14], m[15]}).containsExactly(0, 0, 0, 1);
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    double dot = m[a] * m[b] + m[4 + a] * m[4 + b] + m[8 + a] * m[8 + b];
                    assertThat(dot).isCloseTo(a == b ? 1 : 0, within(1e-12));
                }
            }
            assertThat(pose.source()).isEqualTo("rig");
            assertThat(pose.target()).isEqualTo("world");
            if (previous != null && previous.t() < pose.t()) {
                double[] p = previous.matrix();
                double step = Math.hypot(m[3] - p[3], m[7] - p[7]);
                assertThat(step).as("metres per 20 ms at 6-14 m/s").isBetween(0.0, 0.3);
            }
            previous = pose;
        }
    }

    @Test
    void everySensorHasExtrinsicsAndCamerasHaveNcoreOpencvPinholeIntrinsics() throws Exception {
        List<Frame> frames = all(small(5)).stream().map(SimRecord::frame).toList();
        assertThat(frames.stream().filter(StaticPoseFrame.class::isInstance).map(StaticPoseFrame.class::cast)
                .filter(p -> p.target().equals("rig")).map(StaticPoseFrame::source).distinct())
                .containsExactlyInAnyOrder("camera_front_wide", "camera_rear_wide", "lidar_top", "radar_front");
        IntrinsicsFrame intrinsics = frames.stream().filter(IntrinsicsFrame.class::isInstance)
                .map(IntrinsicsFrame.class::cast).findFirst().orElseThrow();
        assertThat(intrinsics.kind()).isEqualTo("camera");
        assertThat(intrinsics.model().get("camera_model_type").asText()).isEqualTo("opencv-pinhole");
        assertThat(intrinsics.model().get("camera_model_parameters").get("resolution").toString()).isEqualTo("[96,64]");

        Path summary = Fixtures.DRIVE_A_SUMMARY;
        JsonNode expected = new ObjectMapper().readTree(Files.readAllBytes(summary))
                .get("summary").get("intrinsics/default/cameras/camera_front_wide").get("attributes");
        assertThat(fieldNames(intrinsics.model())).isEqualTo(fieldNames(expected));
        assertThat(fieldNames(intrinsics.model().get("camera_model_parameters")))
                .isEqualTo(fieldNames(expected.get("camera_model_parameters")));
    }

    @Test
    void startMetaNamesVehicleSeedAndSimulatorVersion() {
        StartFrame start = (StartFrame) all(small(42)).get(0).frame();
        assertThat(start.meta().get("vehicle").asText()).isEqualTo("veh1");
        assertThat(start.meta().get("seed").asLong()).isEqualTo(42);
        assertThat(start.meta().get("simulator_version").asText()).isEqualTo(VehicleSimulator.VERSION);
    }

    @Test
    void badConfigurationIsRejectedWithTheOptionNamed() {
        assertThatThrownBy(() -> SimulatorConfig.builder().vehicles(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("vehicles must be between 1 and 10000, got 0");
        assertThatThrownBy(() -> SimulatorConfig.builder().cameraHz(0).build())
                .hasMessageContaining("camera-hz must be > 0");
        assertThatThrownBy(() -> SimulatorConfig.builder().recordingPrefix("../x").build())
                .hasMessageContaining("recording-prefix '../x' does not make valid recording ids");
        assertThatThrownBy(() -> SimulatorConfig.builder().lidarRays(4_000_000).lidarReturns(8).build())
                .hasMessageContaining("more than the wire limit");
        assertThatThrownBy(() -> SimulatorConfig.builder().durationSeconds(-1))
                .hasMessageContaining("duration must be a positive number of seconds, got -1.0");
    }

    private static TreeSet<String> fieldNames(JsonNode node) {
        TreeSet<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
