package dev.itar.ncore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.archive.ArchiveVerifier;
import dev.itar.frames.CameraFrame;
import dev.itar.frames.CameraMask;
import dev.itar.frames.CameraMasksFrame;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.zarr.ArchiveSummary;
import dev.itar.zarr.ContentVerifier;
import dev.itar.zarr.PyJson;
import dev.itar.zarr.RootDialect;
import dev.itar.zarr.ZarrArchiveReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The components wire format 1.1 adds, as ncore's own writer lays them out (ncore PR #68 components.py:
 * MasksComponent, CuboidsComponent, register_component_writer's generic_meta_data): node paths, attributes, dtypes
 * and shapes, and read back by {@link SequenceReader}.
 */
class NcoreComponentsTest {
    private static final long T = 1_600_000_000_000_000L;
    private static final byte[] EGO = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
    private static final byte[] HOOD = {(byte) 0x89, 'P', 'N', 'G', 9};

    @TempDir
    Path dir;

    static ObjectNode meta(String k, Object v) {
        return JsonValues.toObjectNode(Map.of(k, v));
    }

    static List<CameraMasksFrame> masks() {
        return List.of(new CameraMasksFrame("default", "cam0", List.of(new CameraMask("ego", "png", EGO),
                new CameraMask("hood", "png", HOOD))));
    }

    static List<CuboidObservationFrame> cuboids() {
        return List.of(
                new CuboidObservationFrame("default", "t-9", "automobile", T + 20, "cam0", T + 25,
                        new double[] {12.5, -3.25, 0.1}, new double[] {4.5, 1.9, 1.6}, new double[] {0, 0, 1.25},
                        "AUTOLABEL", Optional.of("al-1")),
                new CuboidObservationFrame("default", "t-1", "pedestrian", T - 5, "rig", T - 5,
                        new double[] {1, 2, 3}, new double[] {0.5, 0.5, 1.8}, new double[] {0, 0, 0},
                        "GT_ANNOTATION", Optional.empty()),
                new CuboidObservationFrame("gt", "t-1", "pedestrian", T, "rig", T,
                        new double[] {1, 2, 3}, new double[] {0.5, 0.5, 1.8}, new double[] {0, 0, 0},
                        "GT_SYNTHETIC", Optional.empty()));
    }

    private SealResult seal(Path target, TreeMap<String, ObjectNode> componentMeta) throws Exception {
        EncodedFrame frame = new FrameEncoder().encode(new CameraFrame("cam0", T, T + 10, "jpeg", new byte[] {1, 2},
                null, null));
        return new SequenceSealer().seal(new SealRequest(target, "rec", new SequenceHeader("seq", null,
                OptionalLong.empty()), List.of(frame.entry()).iterator(), List.<dev.itar.frames.PoseFrame>of().iterator(),
                List.of(new StaticPoseFrame("cam0", "rig", new double[] {1, 0, 0, 0.5f, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0,
                        1}, "float32")), List.of(), frame.chunks().iterator(), RootDialect.PR68, componentMeta,
                masks().iterator(), cuboids().iterator()));
    }

    @SuppressWarnings("unchecked")
    @Test
    void masksCuboidsAndComponentMetaAreLaidOutAsNcoreWritesThem() throws Exception {
        TreeMap<String, ObjectNode> meta = new TreeMap<>();
        meta.put("cameras/cam0", meta("mount", "roof"));
        meta.put("masks/default", meta("tool", "painter"));
        meta.put("cuboids/gt", meta("annotator", "team-b"));
        meta.put("poses/default", meta("frame", "rig"));
        SealResult r = seal(dir, meta);
        assertThat(ArchiveVerifier.containerProblems(r.archive())).isEmpty();
        try (ZarrArchiveReader z = ZarrArchiveReader.open(r.archive())) {
            assertThat(ContentVerifier.check(z).valid()).isTrue();
        }
        Map<String, Object> summary = (Map<String, Object>) ArchiveSummary.of(r.archive()).get("summary");
        Map<String, Object> expected = PyJson.parseObject("""
                {
                 "masks": {"attributes": {}, "kind": "group"},
                 "masks/default": {"attributes": {"component_instance_name": "default", "component_name": "masks",
                   "component_version": "v1", "generic_meta_data": {"tool": "painter"}}, "kind": "group"},
                 "masks/default/cameras": {"attributes": {}, "kind": "group"},
                 "masks/default/cameras/cam0": {"attributes": {"mask_names": ["ego", "hood"]}, "kind": "group"},
                 "masks/default/cameras/cam0/ego": {"attributes": {"format": "png"}, "kind": "array", "shape": [],
                   "dtype": "S7", "sha256": "%s"},
                 "masks/default/cameras/cam0/hood": {"attributes": {"format": "png"}, "kind": "array", "shape": [],
                   "dtype": "S5", "sha256": "%s"},
                 "cuboids": {"attributes": {}, "kind": "group"},
                 "cuboids/default": {"attributes": {"component_instance_name": "default", "component_name": "cuboids",
                   "component_version": "v1", "generic_meta_data": {}}, "kind": "group"},
                 "cuboids/default/cuboids": {"attributes": {"cuboid_track_observations": [
                   {"bbox3": {"centroid": [12.5, -3.25, 0.1], "dim": [4.5, 1.9, 1.6], "rot": [0.0, 0.0, 1.25]},
                    "class_id": "automobile", "reference_frame_id": "cam0",
                    "reference_frame_timestamp_us": 1600000000000025, "source": "AUTOLABEL", "source_version": "al-1",
                    "timestamp_us": 1600000000000020, "track_id": "t-9"},
                   {"bbox3": {"centroid": [1.0, 2.0, 3.0], "dim": [0.5, 0.5, 1.8], "rot": [0.0, 0.0, 0.0]},
                    "class_id": "pedestrian", "reference_frame_id": "rig",
                    "reference_frame_timestamp_us": 1599999999999995, "source": "GT_ANNOTATION", "source_version": null,
                    "timestamp_us": 1599999999999995, "track_id": "t-1"}]}, "kind": "group"},
                 "cuboids/gt": {"attributes": {"component_instance_name": "gt", "component_name": "cuboids",
                   "component_version": "v1", "generic_meta_data": {"annotator": "team-b"}}, "kind": "group"},
                 "cameras/cam0": {"attributes": {"component_instance_name": "cam0", "component_name": "cameras",
                   "component_version": "v1", "generic_meta_data": {"mount": "roof"}}, "kind": "group"},
                 "poses/default": {"attributes": {"component_instance_name": "default", "component_name": "poses",
                   "component_version": "v1", "generic_meta_data": {"frame": "rig"}}, "kind": "group"},
                 "poses/default/static_poses": {"attributes": {"('cam0', 'rig')": {"dtype": "float32", "pose":
                   [[1.0, 0.0, 0.0, 0.5], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]]}},
                   "kind": "group"}
                }""".formatted(ArchiveSummary.sha256Of(EGO), ArchiveSummary.sha256Of(HOOD))
                .getBytes(StandardCharsets.UTF_8));
        for (String path : expected.keySet()) {
            assertThat(PyJson.parseObject(PyJson.dumps(summary.get(path))))
                    .as(path).isEqualTo(PyJson.parseObject(PyJson.dumps(expected.get(path))));
        }
        // the interval reaches the cuboid observations' times (ncore requires them inside it)
        assertThat(r.intervalStart()).isEqualTo(T - 5);
        assertThat(r.intervalStop()).isEqualTo(T + 26);
        // the sidecar lists the new components with their meta data
        Map<String, Object> sidecar = PyJson.parseObject(Files.readAllBytes(r.sequenceMeta()));
        Map<String, Object> comps = (Map<String, Object>) ((Map<String, Object>) ((List<Object>) sidecar
                .get("component_stores")).get(0)).get("components");
        assertThat(comps).containsKeys("cameras", "masks", "cuboids", "poses", "intrinsics");
        assertThat(((Map<String, Object>) comps.get("cuboids")).keySet()).containsExactly("default", "gt");
    }

    @Test
    void readerGivesBackMasksCuboidsAndMeta() throws Exception {
        TreeMap<String, ObjectNode> meta = new TreeMap<>();
        meta.put("cameras/cam0", meta("mount", "roof"));
        SealResult r = seal(dir, meta);
        try (SequenceReader reader = SequenceReader.open(r.archive())) {
            assertThat(reader.cameraMasks()).isEqualTo(masks());
            assertThat(reader.cuboidObservations()).isEqualTo(cuboids());
            assertThat(reader.componentMeta().get("cameras/cam0")).isEqualTo(meta("mount", "roof"));
            assertThat(reader.componentMeta()).containsKeys("masks/default", "cuboids/default", "cuboids/gt");
            assertThat(reader.staticPoses().get(0).dtype()).isEqualTo("float32");
        }
    }

    @Test
    void metaOnlyInstancesAreCreatedEmptyAsNcoreDoes() throws Exception {
        TreeMap<String, ObjectNode> meta = new TreeMap<>();
        meta.put("lidars/lidar9", meta("k", 1));
        meta.put("masks/spare", meta("k", 2));
        meta.put("cuboids/empty", meta("k", 3));
        SealResult r = seal(dir, meta);
        try (ZarrArchiveReader z = ZarrArchiveReader.open(r.archive());
             SequenceReader reader = SequenceReader.open(r.archive())) {
            assertThat(z.node("lidars/lidar9/frames").attributes()).isEqualTo(Map.of("frames_timestamps_us", List.of()));
            assertThat(z.node("masks/spare/cameras").attributes()).isEmpty();
            assertThat(z.node("cuboids/empty/cuboids").attributes())
                    .isEqualTo(Map.of("cuboid_track_observations", List.of()));
            assertThat(reader.sensors()).contains("lidars/lidar9");
            assertThat(reader.frameTimestamps("lidars/lidar9")).isEmpty();
            assertThat(reader.componentMeta().get("cuboids/empty")).isEqualTo(meta("k", 3));
        }
    }

    @Test
    void metaForAComponentNcoreDoesNotHaveIsRefused() {
        for (String key : List.of("point_clouds/x", "poses/other", "cameras/bad name")) {
            TreeMap<String, ObjectNode> meta = new TreeMap<>(Map.of(key, meta("k", 1)));
            assertThatThrownBy(() -> seal(dir.resolve("x"), meta)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(key);
        }
    }

    @Test
    void duplicateMasksAndScatteredCuboidInstancesAreRefused() {
        EncodedFrame frame = new FrameEncoder().encode(new CameraFrame("cam0", T, T + 10, "jpeg", new byte[] {1},
                null, null));
        SequenceHeader h = new SequenceHeader("s", null, OptionalLong.empty());
        List<CameraMasksFrame> twice = List.of(masks().get(0), masks().get(0));
        assertThatThrownBy(() -> new SequenceSealer().seal(new SealRequest(dir, "a", h, List.of(frame.entry())
                .iterator(), List.<dev.itar.frames.PoseFrame>of().iterator(), List.of(), List.of(),
                frame.chunks().iterator(), RootDialect.PR68, null, twice.iterator(), null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate masks of camera cam0");
        List<CuboidObservationFrame> c = cuboids();
        List<CuboidObservationFrame> scattered = List.of(c.get(0), c.get(2), c.get(1));
        assertThatThrownBy(() -> new SequenceSealer().seal(new SealRequest(dir, "b", h, List.of(frame.entry())
                .iterator(), List.<dev.itar.frames.PoseFrame>of().iterator(), List.of(), List.of(),
                frame.chunks().iterator(), RootDialect.PR68, null, null, scattered.iterator())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instance default")
                .hasMessageContaining("not given together");
        assertThat(dir.resolve("a.ncore4.zarr.itar")).doesNotExist();
        assertThat(dir.resolve("b.ncore4.zarr.itar")).doesNotExist();
    }
}
