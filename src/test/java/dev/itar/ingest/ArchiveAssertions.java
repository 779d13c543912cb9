package dev.itar.ingest;

import dev.itar.archive.ArchiveVerifier;
import dev.itar.archive.FileDigests;
import dev.itar.frames.CameraFrame;
import dev.itar.frames.CameraMasksFrame;
import dev.itar.frames.ComponentMetaFrame;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.frames.Frame;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.LidarFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.RadarFrame;
import dev.itar.frames.SensorFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.ncore.SequenceReader;
import dev.itar.zarr.ZarrArchiveReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads a sealed archive back and compares it with the frames that were produced. */
final class ArchiveAssertions {
    private ArchiveAssertions() {
    }

    /**
     * Asserts that {@code archive} is a valid container holding exactly {@code produced} (duplicates
     * collapsed): every sensor frame with its bytes and arrays, sorted by t1 per sensor; the poses, static
     * poses and intrinsics.
     */
    static void assertArchiveHolds(Path archive, List<Frame> produced) throws IOException {
        assertThat(ArchiveVerifier.containerProblems(archive)).as("container problems of %s", archive).isEmpty();
        try (ZarrArchiveReader zarr = ZarrArchiveReader.open(archive)) {
            assertThat(zarr.zarrFormat()).isEqualTo(3);
            assertThat(zarr.nodes()).containsKeys("", "poses", "intrinsics");
        }
        List<SensorFrame> expected = new ArrayList<>(new LinkedHashSet<>(produced.stream()
                .filter(f -> f instanceof SensorFrame).map(f -> (SensorFrame) f).toList()));
        expected.sort(Comparator.comparing((SensorFrame f) -> f.kind() + "s").thenComparing(SensorFrame::sensor)
                .thenComparingLong(SensorFrame::t1));
        try (SequenceReader reader = SequenceReader.open(archive)) {
            List<SensorFrame> actual = new ArrayList<>();
            for (Iterator<SensorFrame> it = reader.frames(); it.hasNext(); ) {
                actual.add(it.next());
            }
            assertThat(actual).as("frames of %s", archive).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertSameFrame(actual.get(i), expected.get(i));
            }
            List<PoseFrame> poses = produced.stream().filter(f -> f instanceof PoseFrame).map(f -> (PoseFrame) f)
                    .distinct()
                    .sorted(Comparator.comparing(PoseFrame::source).thenComparing(PoseFrame::target)
                            .thenComparingLong(PoseFrame::t))
                    .toList();
            assertThat(reader.poses()).containsExactlyInAnyOrderElementsOf(poses);
            List<StaticPoseFrame> statics = produced.stream().filter(f -> f instanceof StaticPoseFrame)
                    .map(f -> (StaticPoseFrame) f).distinct().toList();
            assertThat(reader.staticPoses()).containsExactlyInAnyOrderElementsOf(statics);
            List<IntrinsicsFrame> intrinsics = produced.stream().filter(f -> f instanceof IntrinsicsFrame)
                    .map(f -> (IntrinsicsFrame) f).distinct().toList();
            assertThat(reader.intrinsics()).containsExactlyInAnyOrderElementsOf(intrinsics);
            produced.stream().filter(f -> f instanceof ComponentMetaFrame).map(f -> (ComponentMetaFrame) f).distinct()
                    .forEach(m -> assertThat(reader.componentMeta().get(m.key())).as("generic_meta_data of %s", m.key())
                            .isEqualTo(m.meta()));
            List<CameraMasksFrame> masks = produced.stream().filter(f -> f instanceof CameraMasksFrame)
                    .map(f -> (CameraMasksFrame) f).distinct().toList();
            assertThat(reader.cameraMasks()).containsExactlyInAnyOrderElementsOf(masks);
            // one instance after the other, each in the order produced
            List<CuboidObservationFrame> cuboids = produced.stream().filter(f -> f instanceof CuboidObservationFrame)
                    .map(f -> (CuboidObservationFrame) f).distinct()
                    .sorted(Comparator.comparing(CuboidObservationFrame::instance)).toList();
            assertThat(reader.cuboidObservations()).containsExactlyElementsOf(cuboids);
        }
    }

    static void assertSameFrame(SensorFrame actual, SensorFrame expected) {
        String what = expected.kind() + " " + expected.sensor() + " t1=" + expected.t1();
        assertThat(actual.kind()).as(what).isEqualTo(expected.kind());
        assertThat(actual.sensor()).as(what).isEqualTo(expected.sensor());
        assertThat(actual.t0()).as(what).isEqualTo(expected.t0());
        assertThat(actual.t1()).as(what).isEqualTo(expected.t1());
        // as JSON text: numbers may come back as another node type of the same value (int vs long)
        assertThat(actual.meta().toString()).as(what + " meta").isEqualTo(expected.meta().toString());
        assertThat(actual.data()).as(what + " data").isEqualTo(expected.data());
        if (expected instanceof CameraFrame c) {
            CameraFrame a = (CameraFrame) actual;
            assertThat(a.format()).as(what).isEqualTo(c.format());
            assertThat(a.image()).as(what + " image").isEqualTo(c.image());
        } else if (expected instanceof LidarFrame l) {
            LidarFrame a = (LidarFrame) actual;
            assertThat(a.n()).isEqualTo(l.n());
            assertThat(a.r()).isEqualTo(l.r());
            assertThat(a.direction()).as(what + " direction").isEqualTo(l.direction());
            assertThat(a.timestampUs()).as(what + " timestamp_us").isEqualTo(l.timestampUs());
            assertThat(a.distanceM()).as(what + " distance_m").isEqualTo(l.distanceM());
            assertThat(a.intensity()).as(what + " intensity").isEqualTo(l.intensity());
            assertThat(a.modelElement()).as(what + " model_element").isEqualTo(l.modelElement());
        } else if (expected instanceof RadarFrame r) {
            RadarFrame a = (RadarFrame) actual;
            assertThat(a.n()).isEqualTo(r.n());
            assertThat(a.r()).isEqualTo(r.r());
            assertThat(a.direction()).as(what + " direction").isEqualTo(r.direction());
            assertThat(a.timestampUs()).as(what + " timestamp_us").isEqualTo(r.timestampUs());
            assertThat(a.distanceM()).as(what + " distance_m").isEqualTo(r.distanceM());
        }
    }

    static String sha256(Path file) throws IOException {
        return FileDigests.sha256(file);
    }
}
