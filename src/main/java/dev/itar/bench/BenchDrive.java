package dev.itar.bench;

import dev.itar.frames.CameraFrame;
import dev.itar.frames.EndFrame;
import dev.itar.frames.Frame;
import dev.itar.frames.LidarFrame;
import dev.itar.frames.RadarFrame;
import dev.itar.sim.SimRecord;
import dev.itar.sim.SimulatorConfig;
import dev.itar.sim.VehicleSimulator;
import dev.itar.ncore.EncodedFrame;
import dev.itar.ncore.FrameEncoder;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The simulator's default drive (1 vehicle, 10 s, default sensors, seed 1), generated once and kept in memory.
 * The simulator renders JPEGs and ray-casts lidar at about 1 MB/s on two cores, far slower than anything being
 * measured, so the benchmark replays these records under several recording ids instead of simulating more
 * vehicles.
 */
record BenchDrive(SimulatorConfig config, List<SimRecord> records) {

    static BenchDrive generate() {
        SimulatorConfig config = SimulatorConfig.builder().build();
        List<SimRecord> records = new ArrayList<>();
        for (Iterator<SimRecord> it = new VehicleSimulator(config).records(); it.hasNext(); ) {
            records.add(it.next());
        }
        return new BenchDrive(config, List.copyOf(records));
    }

    /** Records other than {@code end}, in send order. */
    List<SimRecord> body() {
        return records.stream().filter(r -> !(r.frame() instanceof EndFrame)).toList();
    }

    SimRecord end() {
        return records.stream().filter(r -> r.frame() instanceof EndFrame).findFirst().orElseThrow();
    }

    /** Value bytes of every record of the drive (the payload an archive of it stores). */
    long valueBytes() {
        return records.stream().mapToLong(r -> r.value().length).sum();
    }

    /**
     * The drive's sensor frames encoded as the ingest processor encodes them, shifted in time by {@code shiftUs}
     * (so several copies make one longer recording).
     */
    List<EncodedFrame> encodedSensorFrames(FrameEncoder encoder, long shiftUs) {
        List<EncodedFrame> out = new ArrayList<>();
        for (SimRecord r : records) {
            Frame f = r.frame();
            if (f instanceof CameraFrame c) {
                out.add(encoder.encode(new CameraFrame(c.sensor(), c.t0() + shiftUs, c.t1() + shiftUs, c.format(),
                        c.image(), c.meta(), c.data())));
            } else if (f instanceof LidarFrame l) {
                out.add(encoder.encode(new LidarFrame(l.sensor(), l.t0() + shiftUs, l.t1() + shiftUs, l.n(), l.r(),
                        l.direction(), shifted(l.timestampUs(), shiftUs), l.distanceM(), l.intensity(),
                        l.modelElement(), l.meta(), l.data())));
            } else if (f instanceof RadarFrame d) {
                out.add(encoder.encode(new RadarFrame(d.sensor(), d.t0() + shiftUs, d.t1() + shiftUs, d.n(), d.r(),
                        d.direction(), shifted(d.timestampUs(), shiftUs), d.distanceM(), d.meta(), d.data())));
            }
        }
        return out;
    }

    private static byte[] shifted(byte[] uint64le, long shift) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(uint64le).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(uint64le.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        while (in.remaining() >= 8) {
            out.putLong(in.getLong() + shift);
        }
        return out.array();
    }
}
