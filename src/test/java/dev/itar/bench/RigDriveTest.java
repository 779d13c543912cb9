package dev.itar.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.itar.frames.EndFrame;
import dev.itar.frames.Frame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.SensorFrame;
import dev.itar.frames.StartFrame;
import dev.itar.frames.WireDecoder;
import dev.itar.sim.SimulatorConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RigDriveTest {
    private static final SimulatorConfig SMALL = SimulatorConfig.builder().cameras(1).imageSize(32, 24).lidars(1)
            .lidarRays(64).radars(1).durationSeconds(0.5).build();

    private static List<Frame> frames(RigDrive drive, long durationUs, boolean withEnd) throws Exception {
        List<Frame> out = new ArrayList<>();
        try (RigDrive.Records r = drive.recording(durationUs, withEnd)) {
            while (r.hasNext()) {
                out.add(WireDecoder.decode("rig-test", r.next())); // valid on the wire, or this throws
            }
        }
        return out;
    }

    @Test
    void copiesMakeOneLongerRecordingWithEveryFrameAndPoseTimeOnce(@TempDir Path dir) throws Exception {
        RigDrive drive = RigDrive.generate(dir, SMALL, 1.6, msg -> { });
        assertThat(drive.maxDurationUs()).isGreaterThanOrEqualTo(1_600_000);
        long duration = 1_500_000;
        List<Frame> frames = frames(drive, duration, true);

        assertThat(frames.get(0)).isInstanceOf(StartFrame.class);
        assertThat(frames.stream().filter(f -> f instanceof StartFrame)).hasSize(1);
        assertThat(frames.get(frames.size() - 1)).isEqualTo(new EndFrame(java.util.OptionalLong.of(
                drive.startUs() + duration)));
        Set<String> seen = new HashSet<>();
        long sensorFrames = 0;
        for (Frame f : frames) {
            if (f instanceof SensorFrame s) {
                sensorFrames++;
                assertThat(seen.add(s.kind() + "/" + s.sensor() + "@" + s.t1())).as("frame %s", s).isTrue();
                assertThat(s.t1()).isBetween(drive.startUs(), drive.startUs() + duration);
            } else if (f instanceof PoseFrame p) {
                assertThat(seen.add("pose@" + p.t())).as("pose %s", p.t()).isTrue();
                assertThat(p.t()).isBetween(drive.startUs(), drive.startUs() + duration);
            }
        }
        // three copies of 0.5 s, cut at 1.5 s: close to three times one copy's sensor frames
        long perCopy = frames(drive, 500_000, false).stream().filter(f -> f instanceof SensorFrame).count();
        assertThat(sensorFrames).isBetween(3 * perCopy - 3, 3 * perCopy);
    }

    @Test
    void aShortRecordingIsCutInsideTheFirstCopy(@TempDir Path dir) throws Exception {
        RigDrive drive = RigDrive.generate(dir, SMALL, 0.5, msg -> { });
        List<Frame> frames = frames(drive, 200_000, false);
        assertThat(frames).noneMatch(f -> f instanceof EndFrame);
        assertThat(frames).filteredOn(f -> f instanceof SensorFrame)
                .allSatisfy(f -> assertThat(((SensorFrame) f).t1()).isLessThanOrEqualTo(drive.startUs() + 200_000))
                .isNotEmpty();
    }

    @Test
    void aRecordingLongerThanTheCopiesIsRefused(@TempDir Path dir) throws Exception {
        RigDrive drive = RigDrive.generate(dir, SMALL, 0.5, msg -> { });
        assertThatThrownBy(() -> drive.recording(drive.maxDurationUs() + 1, true))
                .hasMessageContaining("does not fit the generated drive");
    }

    @Test
    void theProductionRigIsTheIssuesRig() {
        SimulatorConfig rig = RigDrive.productionRig(12);
        assertThat(List.of(rig.cameras(), rig.imageWidth(), rig.imageHeight(), rig.lidars(), rig.lidarRays(),
                rig.radars())).containsExactly(6, 1920, 1080, 1, 230_000, 4);
        assertThat(rig.durationUs()).isEqualTo(12_000_000);
    }
}
