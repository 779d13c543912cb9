package dev.itar.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.itar.Fixtures;
import dev.itar.frames.CameraFrame;
import dev.itar.frames.CameraMask;
import dev.itar.frames.CameraMasksFrame;
import dev.itar.frames.ComponentMetaFrame;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.frames.Frame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.ncore.FrameEncoder;
import dev.itar.ncore.EncodedFrame;
import dev.itar.ncore.SealRequest;
import dev.itar.ncore.SequenceHeader;
import dev.itar.ncore.SequenceSealer;
import dev.itar.ncore.SplitSequences;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.itar.zarr.RootDialect;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** publish is lossless: everything of a sequence becomes records, or what cannot is an error naming it. */
class ArchiveFramesTest {
    static final long T = 1_600_000_000_000_000L;
    static final double[] IDENTITY = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};

    @TempDir
    Path dir;

    /** A sealed sequence with every kind of content wire format 1.1 carries. */
    static Path fullSequence(Path dir) throws Exception {
        EncodedFrame frame = new FrameEncoder().encode(new CameraFrame("cam0", T, T + 10, "jpeg", new byte[] {1, 2},
                null, null));
        TreeMap<String, com.fasterxml.jackson.databind.node.ObjectNode> meta = new TreeMap<>();
        meta.put("cameras/cam0", JsonNodeFactory.instance.objectNode().put("mount", "roof"));
        meta.put("lidars/spare", JsonNodeFactory.instance.objectNode());
        return new SequenceSealer().seal(new SealRequest(dir, "full", new SequenceHeader("full", null,
                OptionalLong.of(T + 100)), List.of(frame.entry()).iterator(),
                List.of(new PoseFrame("rig", "world", T, IDENTITY), new PoseFrame("rig", "world", T + 100, IDENTITY))
                        .iterator(),
                List.of(new StaticPoseFrame("cam0", "rig", IDENTITY, "float32")), List.of(), frame.chunks().iterator(),
                RootDialect.PR68, meta,
                List.of(new CameraMasksFrame("default", "cam0", List.of(new CameraMask("ego", "png",
                        new byte[] {(byte) 0x89, 'P'})))).iterator(),
                List.of(cuboid("t-2", T + 50), cuboid("t-1", T + 5)).iterator())).archive();
    }

    static CuboidObservationFrame cuboid(String track, long t) {
        return new CuboidObservationFrame("default", track, "car", t, "cam0", t, new double[] {1, 2, 3},
                new double[] {4, 2, 1.5}, new double[] {0, 0, 0.5}, "EXTERNAL", Optional.empty());
    }

    static List<Frame> all(ArchiveFrames frames) {
        List<Frame> out = new ArrayList<>();
        frames.forEachRemaining(out::add);
        return out;
    }

    @Test
    void everyKindOfContentBecomesARecord() throws Exception {
        Path archive = fullSequence(dir);
        try (ArchiveFrames frames = ArchiveFrames.open(archive)) {
            List<Frame> records = all(frames);
            assertThat(records).extracting(Frame::type).containsExactly("start", "static_pose", "component_meta",
                    "component_meta", "camera_masks", "pose", "camera", "pose", "cuboid_observation",
                    "cuboid_observation", "end");
            assertThat(records.get(1)).isEqualTo(new StaticPoseFrame("cam0", "rig", IDENTITY, "float32"));
            // non-empty meta, and the sensor with nothing but its (empty) meta
            assertThat(((ComponentMetaFrame) records.get(2)).key()).isEqualTo("cameras/cam0");
            assertThat(((ComponentMetaFrame) records.get(3)).key()).isEqualTo("lidars/spare");
            // cuboids keep the order the archive lists them in
            assertThat(((CuboidObservationFrame) records.get(8)).trackId()).isEqualTo("t-2");
            assertThat(frames.skipped()).isEmpty();
        }
    }

    @Test
    void referenceArchiveOfNcoreIsCarriedWhole() throws Exception {
        try (ArchiveFrames frames = ArchiveFrames.open(Fixtures.DRIVE_A)) {
            assertThat(all(frames)).hasSize((int) frames.recordCount());
            assertThat(frames.skipped()).isEmpty();
        }
    }

    @Test
    void ncoresMaskedSequenceIsCarriedWholeFromOneStoreAndFromItsSplitStores() throws Exception {
        try (ArchiveFrames one = ArchiveFrames.open(Fixtures.DRIVE_M);
             ArchiveFrames split = ArchiveFrames.open(Fixtures.DRIVE_M_SPLIT)) {
            List<Frame> records = all(one);
            assertThat(records).extracting(Frame::type).containsExactly("start", "static_pose", "component_meta",
                    "component_meta", "component_meta", "camera_masks", "pose", "camera", "camera", "pose",
                    "cuboid_observation", "cuboid_observation", "cuboid_observation", "cuboid_observation", "end");
            assertThat(all(split)).isEqualTo(records);
            assertThat(one.skipped()).isEmpty();
            assertThat(split.defaultRecordingId()).isEqualTo("drive-m");
        }
    }

    @Test
    void whatTheWireCannotCarryIsAnErrorNamingIt() throws Exception {
        Path archive = fullSequence(dir.resolve("a"));
        Map<String, Object> float32Poses = Map.of("('rig', 'world')", Map.of("poses", List.of(List.of(
                List.of(1.0, 0.0, 0.0, 0.0), List.of(0.0, 1.0, 0.0, 0.0), List.of(0.0, 0.0, 1.0, 0.0),
                List.of(0.0, 0.0, 0.0, 1.0))), "timestamps_us", List.of(T), "dtype", "float32"));
        Path odd = SplitSequences.copyWithGroups(archive, dir.resolve("odd.ncore4.zarr.itar"), Map.of(
                "point_clouds", Map.of(),
                "cameras/cam0/calibration", Map.of("k", 1),
                "poses/default/dynamic_poses", float32Poses));
        UncarriedContentException e = catchThrowableOfType(UncarriedContentException.class,
                () -> ArchiveFrames.open(odd));
        assertThat(e).isNotNull();
        assertThat(e.items()).hasSize(3);
        assertThat(e.getMessage()).startsWith(odd + ": 3 parts of the sequence cannot be carried")
                .contains("cameras/cam0/calibration: group not part of the ncore v4 layout this release carries",
                        "point_clouds: component 'point_clouds' is not one this release carries",
                        "poses/default/dynamic_poses: dynamic poses ('rig', 'world') have dtype float32", "--skip");

        try (ArchiveFrames frames = ArchiveFrames.open(odd, Set.of("point_clouds", "cameras/cam0/calibration",
                "poses/default/dynamic_poses"))) {
            assertThat(frames.skipped()).hasSize(3);
            List<Frame> records = all(frames);
            // skipping the dtype keeps the poses (as float64); the camera still goes
            assertThat(records).extracting(Frame::type).contains("pose", "camera");
        }
    }

    @Test
    void skippingASensorLeavesItsFramesOut() throws Exception {
        Path archive = fullSequence(dir);
        try (ArchiveFrames frames = ArchiveFrames.open(archive, Set.of("cameras/cam0"))) {
            assertThat(all(frames)).extracting(Frame::type).doesNotContain("camera");
        }
    }

    @Test
    void splitSequencesAreReadThroughTheirMetaFile() throws Exception {
        Path archive = fullSequence(dir.resolve("one"));
        Path meta = SplitSequences.split(archive, dir.resolve("split"), "full", SplitSequences.byComponent());
        try (ArchiveFrames one = ArchiveFrames.open(archive); ArchiveFrames split = ArchiveFrames.open(meta)) {
            assertThat(all(split)).isEqualTo(all(one));
            assertThat(split.defaultRecordingId()).isEqualTo("full");
            assertThat(split.notes()).singleElement().asString().contains("split into 5 component-group stores");
        }
    }
}
