package dev.itar.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.itar.frames.CameraFrame;
import dev.itar.frames.EndFrame;
import dev.itar.frames.Frame;
import dev.itar.frames.LidarFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.RadarFrame;
import dev.itar.sim.SimulatorConfig;
import dev.itar.sim.VehicleSimulator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TimeShiftTest {
    private static final long SHIFT = 7_000_000;

    @Test
    void everyTimeAFrameCarriesMovesAndNothingElse() {
        SimulatorConfig config = SimulatorConfig.builder().cameras(1).imageSize(32, 24).lidars(1).lidarRays(16)
                .radars(1).durationSeconds(0.2).build();
        int checked = 0;
        for (var it = new VehicleSimulator(config).records(); it.hasNext(); ) {
            Frame f = it.next().frame();
            Frame s = TimeShift.frame(f, SHIFT);
            if (f instanceof CameraFrame c && s instanceof CameraFrame d) {
                assertThat(d).isEqualTo(new CameraFrame(c.sensor(), c.t0() + SHIFT, c.t1() + SHIFT, c.format(),
                        c.image(), c.meta(), c.data()));
                checked++;
            } else if (f instanceof LidarFrame l && s instanceof LidarFrame m) {
                assertThat(m.t0()).isEqualTo(l.t0() + SHIFT);
                assertThat(m.t1()).isEqualTo(l.t1() + SHIFT);
                assertThat(first(m.timestampUs())).isEqualTo(first(l.timestampUs()) + SHIFT);
                assertThat(m.distanceM()).isEqualTo(l.distanceM());
                checked++;
            } else if (f instanceof RadarFrame r && s instanceof RadarFrame q) {
                assertThat(q.t1()).isEqualTo(r.t1() + SHIFT);
                assertThat(first(q.timestampUs())).isEqualTo(first(r.timestampUs()) + SHIFT);
                checked++;
            } else if (f instanceof PoseFrame p) {
                assertThat(((PoseFrame) s).t()).isEqualTo(p.t() + SHIFT);
            } else if (f instanceof EndFrame e) {
                assertThat(s).isEqualTo(new EndFrame(OptionalLong.of(e.t().getAsLong() + SHIFT)));
            } else {
                assertThat(s).isSameAs(f);
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(3);
    }

    @Test
    void shiftsEveryUint64() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1).putLong(Long.MAX_VALUE - 5);
        ByteBuffer out = ByteBuffer.wrap(TimeShift.uint64le(b.array(), 5)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(out.getLong()).isEqualTo(6);
        assertThat(out.getLong()).isEqualTo(Long.MAX_VALUE);
    }

    private static long first(byte[] uint64le) {
        return ByteBuffer.wrap(uint64le).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
