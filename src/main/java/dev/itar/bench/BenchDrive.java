package dev.itar.bench;

import dev.itar.frames.EndFrame;
import dev.itar.frames.SensorFrame;
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
            if (TimeShift.frame(r.frame(), shiftUs) instanceof SensorFrame f) {
                out.add(encoder.encode(f));
            }
        }
        return out;
    }
}
