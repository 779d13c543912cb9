package dev.itar.frames;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.itar.frames.TestRecords.floats;
import static dev.itar.frames.TestRecords.uint16s;
import static dev.itar.frames.TestRecords.uint64s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A producer in another language: encode_frames.py (standard library only, written from
 * wire-format.md) writes a recording; every record must decode to exactly the values it documents.
 */
class CrossLanguageTest {

    static Path script() throws URISyntaxException {
        return Path.of(CrossLanguageTest.class.getResource("/frames/encode_frames.py").toURI());
    }

    static boolean python3Available() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs the script into {@code out}; returns the records (key, value) in file order. */
    static List<String[]> produce(Path out, String recording, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", script().toString(), out.toString(), "--recording",
                recording));
        command.addAll(List.of(options));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("python3 finished").isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isZero();
        List<String[]> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".cbor")).sorted()
                    .forEach(n -> names.add(new String[] {n.replace(".cbor", ".key"), n}));
        }
        return names;
    }

    @Test
    void pythonProducerRecordsDecodeToTheDocumentedValues(@TempDir Path out) throws Exception {
        assumeTrue(python3Available(), "python3 is not installed");
        List<String[]> files = produce(out, "py-rec.7");
        assertThat(files).hasSize(8);

        List<Frame> frames = new ArrayList<>();
        for (String[] file : files) {
            String key = Files.readString(out.resolve(file[0]), StandardCharsets.UTF_8);
            assertThat(key).isEqualTo("py-rec.7");
            frames.add(WireDecoder.decode(key, Files.readAllBytes(out.resolve(file[1]))));
        }

        StartFrame start = (StartFrame) frames.get(0);
        assertThat(start.sequenceId()).isEqualTo(Optional.of("py-seq-1"));
        assertThat(start.meta().get("producer").textValue()).isEqualTo("encode_frames.py");
        assertThat(start.meta().get("run").intValue()).isEqualTo(1);

        IntrinsicsFrame intrinsics = (IntrinsicsFrame) frames.get(1);
        assertThat(intrinsics.sensor()).isEqualTo("cam_front");
        assertThat(intrinsics.kind()).isEqualTo("camera");
        assertThat(intrinsics.model().get("resolution").get(1).intValue()).isEqualTo(1080);
        assertThat(intrinsics.model().get("focal_length").get(0).doubleValue()).isEqualTo(1000.5);
        assertThat(intrinsics.model().get("radial_coeffs").get(1).doubleValue()).isEqualTo(-0.05);
        assertThat(intrinsics.model().get("external_distortion").isNull()).isTrue();
        assertThat(intrinsics.model().get("shutter_type").textValue()).isEqualTo("GLOBAL");

        StaticPoseFrame extrinsics = (StaticPoseFrame) frames.get(2);
        assertThat(extrinsics.source()).isEqualTo("lidar_top");
        assertThat(extrinsics.target()).isEqualTo("rig");
        assertThat(extrinsics.matrix()).containsExactly(0, -1, 0, 1.5, 1, 0, 0, 0, 0, 0, 1, 1.8, 0, 0, 0, 1);

        PoseFrame pose = (PoseFrame) frames.get(3);
        assertThat(pose).isEqualTo(new PoseFrame("rig", "world", 1_000_050,
                new double[] {1, 0, 0, 10, 0, 1, 0, -2, 0, 0, 1, 0.5, 0, 0, 0, 1}));

        CameraFrame camera = (CameraFrame) frames.get(4);
        assertThat(camera.sensor()).isEqualTo("cam_front");
        assertThat(camera.t0()).isEqualTo(1_000_000);
        assertThat(camera.t1()).isEqualTo(1_000_033);
        assertThat(camera.format()).isEqualTo("jpeg");
        assertThat(camera.image()).containsExactly(0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xD9);
        assertThat(camera.meta().get("exposure_us").intValue()).isEqualTo(800);
        assertThat(camera.data()).isEmpty();

        LidarFrame lidar = (LidarFrame) frames.get(5);
        float s = (float) Math.sqrt(0.5);
        assertThat(lidar).isEqualTo(new LidarFrame("lidar_top", 1_000_000, 1_000_100, 3, 2,
                floats(1, 0, 0, 0, 1, 0, s, 0, s), uint64s(1_000_000, 1_000_050, 1_000_100),
                floats(10, 20.5f, 3.25f, 11, Float.NaN, 4), floats(0.5f, 1, 0, 0.25f, Float.NaN, 0.75f),
                uint16s(0, 0, 1, 0, 2, 1), null,
                new java.util.TreeMap<>(java.util.Map.of("ring",
                        new TypedArray("uint8", new long[] {3}, new byte[] {0, 1, 2})))));

        RadarFrame radar = (RadarFrame) frames.get(6);
        assertThat(radar).isEqualTo(new RadarFrame("radar_front", 1_000_010, 1_000_020, 2, 1,
                floats(0, 0, 1, 0.6f, 0.8f, 0), uint64s(1_000_010, 1_000_020), floats(42, Float.NaN), null, null));

        assertThat(frames.get(7)).isEqualTo(new EndFrame(OptionalLong.of(1_000_100)));
    }

    @Test
    void pythonProducerOfWireFormat11RecordsDecodesToTheDocumentedValues(@TempDir Path out) throws Exception {
        assumeTrue(python3Available(), "python3 is not installed");
        List<String[]> files = produce(out, "py-rec.11", "--minor", "1");
        assertThat(files).hasSize(13);
        List<Frame> frames = new ArrayList<>();
        for (String[] file : files) {
            frames.add(WireDecoder.decode("py-rec.11", Files.readAllBytes(out.resolve(file[1]))));
        }
        ComponentMetaFrame meta = (ComponentMetaFrame) frames.get(7);
        assertThat(meta.key()).isEqualTo("cameras/cam_front");
        assertThat(meta.meta().toString()).isEqualTo("{\"mount\":\"roof\",\"fov_deg\":120.5}");

        assertThat(frames.get(8)).isEqualTo(new StaticPoseFrame("cam_front", "rig",
                new double[] {1, 0, 0, 0.25, 0, 1, 0, 0, 0, 0, 1, 1.5, 0, 0, 0, 1}, "float32"));

        assertThat(frames.get(9)).isEqualTo(new CameraMasksFrame("default", "cam_front", List.of(
                new CameraMask("ego", "png", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}),
                new CameraMask("hood", "png", new byte[] {(byte) 0x89, 'P', 'N', 'G'}))));

        assertThat(frames.get(10)).isEqualTo(new CuboidObservationFrame("default", "t-1", "automobile", 1_000_050,
                "lidar_top", 1_000_100, new double[] {12.5, -3.25, 0.75}, new double[] {4.5, 1.9, 1.6},
                new double[] {0, 0, 1.25}, "AUTOLABEL", Optional.of("al-1")));
        assertThat(frames.get(11)).isEqualTo(new CuboidObservationFrame("gt", "t-2", "pedestrian", 1_000_060,
                "rig", 1_000_060, new double[] {2, 1, 0}, new double[] {0.5, 0.5, 1.8}, new double[] {0, 0, 0},
                "GT_ANNOTATION", Optional.empty()));
        assertThat(frames.get(12)).isEqualTo(new EndFrame(OptionalLong.of(1_000_100)));

        // the Java encoder writes the same bytes (fields in the contract's order, defaults omitted)
        for (int i : new int[] {7, 8, 9, 10, 11}) {
            byte[] python = Files.readAllBytes(out.resolve(files.get(i)[1]));
            assertThat(WireEncoder.encode(frames.get(i))).as(files.get(i)[1]).isEqualTo(python);
        }
    }

    @Test
    void pythonAndJavaEncodersAgreeByteForByte(@TempDir Path out) throws Exception {
        // both encoders write definite lengths, shortest heads and the contract's field order
        assumeTrue(python3Available(), "python3 is not installed");
        List<String[]> files = produce(out, "py-rec");
        for (String name : new String[] {"003.cbor", "006.cbor", "007.cbor"}) {
            byte[] python = Files.readAllBytes(out.resolve(name));
            assertThat(WireEncoder.encode(WireDecoder.decode("py-rec", python))).as(name).isEqualTo(python);
        }
        assertThat(files).isNotEmpty();
    }
}
