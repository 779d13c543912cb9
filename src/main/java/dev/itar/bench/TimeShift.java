package dev.itar.bench;

import dev.itar.frames.CameraFrame;
import dev.itar.frames.EndFrame;
import dev.itar.frames.Frame;
import dev.itar.frames.LidarFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.RadarFrame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;

/**
 * Moves frames in sensor time, so copies of one generated drive can follow each other in a longer recording
 * (rendering frames is far slower than anything the benchmarks measure). Every time a frame carries moves: its
 * interval, a pose's {@code t}, the per-ray timestamps of lidar and radar, an end's {@code t}. Frames without a time
 * (start, static poses, intrinsics) come back unchanged.
 */
final class TimeShift {
    private TimeShift() {
    }

    static Frame frame(Frame f, long shiftUs) {
        if (shiftUs == 0) {
            return f;
        }
        if (f instanceof CameraFrame c) {
            return new CameraFrame(c.sensor(), c.t0() + shiftUs, c.t1() + shiftUs, c.format(), c.image(), c.meta(),
                    c.data());
        } else if (f instanceof LidarFrame l) {
            return new LidarFrame(l.sensor(), l.t0() + shiftUs, l.t1() + shiftUs, l.n(), l.r(), l.direction(),
                    uint64le(l.timestampUs(), shiftUs), l.distanceM(), l.intensity(), l.modelElement(), l.meta(),
                    l.data());
        } else if (f instanceof RadarFrame r) {
            return new RadarFrame(r.sensor(), r.t0() + shiftUs, r.t1() + shiftUs, r.n(), r.r(), r.direction(),
                    uint64le(r.timestampUs(), shiftUs), r.distanceM(), r.meta(), r.data());
        } else if (f instanceof PoseFrame p) {
            return new PoseFrame(p.source(), p.target(), p.t() + shiftUs, p.matrix());
        } else if (f instanceof EndFrame e) {
            return new EndFrame(e.t().isPresent() ? OptionalLong.of(e.t().getAsLong() + shiftUs) : e.t());
        }
        return f;
    }

    /** A little-endian uint64 array with {@code shift} added to every element. */
    static byte[] uint64le(byte[] values, long shift) {
        ByteBuffer in = ByteBuffer.wrap(values).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(values.length).order(ByteOrder.LITTLE_ENDIAN);
        while (in.remaining() >= 8) {
            out.putLong(in.getLong() + shift);
        }
        return out.array();
    }
}
