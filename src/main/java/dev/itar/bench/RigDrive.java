package dev.itar.bench;

import dev.itar.frames.EndFrame;
import dev.itar.frames.Frame;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.StartFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.frames.WireEncoder;
import dev.itar.sim.SimRecord;
import dev.itar.sim.SimulatorConfig;
import dev.itar.sim.VehicleSimulator;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One vehicle's drive, generated once and kept on disk (never in the heap: production-rig records are many
 * megabytes each), read back as the wire records of a recording of any length up to {@link #maxDurationUs()}.
 *
 * <p>The simulator renders and ray-casts far slower than the pipeline ingests, so it generates {@code base} once;
 * longer recordings are that drive repeated, each copy moved in time by {@link #spanUs()} (the base duration plus
 * one pose period, so no two copies share a frame or pose time) and encoded once at generation. On disk: the header
 * records (start, static poses, intrinsics), then one file per copy of the body (poses and sensor frames in send
 * order), each record as its sensor time, its length and its value bytes.
 */
final class RigDrive {
    /** The production rig of issues 9 and 13: {@code simulate --cameras 6 --image-size 1920x1080 --lidars 1
     * --lidar-rays 230000 --radars 4}, otherwise the simulator's defaults. */
    static SimulatorConfig productionRig(double seconds) {
        return SimulatorConfig.builder().cameras(6).imageSize(1920, 1080).lidars(1).lidarRays(230_000).radars(4)
                .durationSeconds(seconds).build();
    }

    private final Path dir;
    private final SimulatorConfig base;
    private final int repeats;
    private final long baseBytes;

    private RigDrive(Path dir, SimulatorConfig base, int repeats, long baseBytes) {
        this.dir = dir;
        this.base = base;
        this.repeats = repeats;
        this.baseBytes = baseBytes;
    }

    /** Generates {@code base} into {@code dir} with enough copies for recordings of {@code maxSeconds}. */
    static RigDrive generate(Path dir, SimulatorConfig base, double maxSeconds, Consumer<String> progress)
            throws IOException {
        long span = span(base);
        int repeats = (int) Math.max(1, Math.ceil((maxSeconds * 1e6 - base.durationUs()) / span) + 1);
        Files.createDirectories(dir);
        progress.accept(String.format(Locale.ROOT, "generating %.1f s of the drive (%d copies on disk, up to %.1f s"
                        + " per recording)", base.durationUs() / 1e6, repeats,
                ((repeats - 1) * span + base.durationUs()) / 1e6));
        long bytes = 0;
        DataOutputStream header = open(dir.resolve("header.bin"));
        DataOutputStream[] copies = new DataOutputStream[repeats];
        try {
            for (int k = 0; k < repeats; k++) {
                copies[k] = open(dir.resolve("copy-" + k + ".bin"));
            }
            for (Iterator<SimRecord> it = new VehicleSimulator(base).records(); it.hasNext(); ) {
                SimRecord r = it.next();
                Frame f = r.frame();
                if (f instanceof StartFrame || f instanceof StaticPoseFrame || f instanceof IntrinsicsFrame) {
                    write(header, r.timeUs(), r.value());
                } else if (!(f instanceof EndFrame)) {
                    for (int k = 0; k < repeats; k++) {
                        long shift = k * span;
                        write(copies[k], r.timeUs() + shift, k == 0 ? r.value()
                                : WireEncoder.encode(TimeShift.frame(f, shift)));
                    }
                }
                bytes += r.value().length;
            }
        } finally {
            header.close();
            for (DataOutputStream c : copies) {
                if (c != null) {
                    c.close();
                }
            }
        }
        return new RigDrive(dir, base, repeats, bytes);
    }

    /** The sensors, for a report: "6 cameras 1920x1080, 1 lidar × 230000 rays, 4 radars". */
    String describe() {
        return String.format(Locale.ROOT, "%d cameras %dx%d, %d lidar × %d rays, %d radars", base.cameras(),
                base.imageWidth(), base.imageHeight(), base.lidars(), base.lidarRays(), base.radars());
    }

    /** Time between the starts of consecutive copies. */
    static long span(SimulatorConfig base) {
        return base.durationUs() + Math.round(1e6 / base.poseHz());
    }

    long spanUs() {
        return span(base);
    }

    long startUs() {
        return base.startTimeUs();
    }

    /** The longest recording the copies on disk make. */
    long maxDurationUs() {
        return (repeats - 1) * spanUs() + base.durationUs();
    }

    /** Record bytes per second of sensor time (of the generated drive). */
    double bytesPerSecond() {
        return baseBytes / (base.durationUs() / 1e6);
    }

    /**
     * The records of a recording of {@code durationUs} sensor time from the drive's start: the header, every body
     * record at or before start + duration, then, if {@code withEnd}, the {@link #end} record.
     */
    Records recording(long durationUs, boolean withEnd) {
        if (durationUs <= 0 || durationUs > maxDurationUs()) {
            throw new IllegalArgumentException("a recording of " + durationUs + " µs does not fit the generated drive"
                    + " (at most " + maxDurationUs() + " µs)");
        }
        return new Records(base.startTimeUs() + durationUs, withEnd ? end(durationUs) : null);
    }

    /** The {@code end} record of a recording of {@code durationUs}. */
    byte[] end(long durationUs) {
        return WireEncoder.encode(new EndFrame(OptionalLong.of(base.startTimeUs() + durationUs)));
    }

    /** Record values read from disk one at a time; close it when done. */
    final class Records implements Iterator<byte[]>, AutoCloseable {
        private final long lastUs;
        private byte[] end;
        private int file = -1; // -1: header, then copy 0, 1, ...
        private DataInputStream in;
        private byte[] next;

        private Records(long lastUs, byte[] end) {
            this.lastUs = lastUs;
            this.end = end;
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                next = read();
            }
            return next != null;
        }

        @Override
        public byte[] next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            byte[] v = next;
            next = null;
            return v;
        }

        private byte[] read() {
            try {
                while (true) {
                    if (in == null) {
                        if (file >= repeats) {
                            byte[] e = end;
                            end = null;
                            return e;
                        }
                        in = new DataInputStream(new BufferedInputStream(Files.newInputStream(
                                dir.resolve(file < 0 ? "header.bin" : "copy-" + file + ".bin")), 1 << 20));
                    }
                    long t;
                    try {
                        t = in.readLong();
                    } catch (EOFException eof) {
                        nextFile();
                        continue;
                    }
                    byte[] v = new byte[in.readInt()];
                    in.readFully(v);
                    if (file >= 0 && t > lastUs) {
                        file = repeats - 1; // records are in time order: nothing later is wanted
                        nextFile();
                        continue;
                    }
                    return v;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the generated drive in " + dir + ": " + e.getMessage(), e);
            }
        }

        private void nextFile() throws IOException {
            in.close();
            in = null;
            file++;
        }

        @Override
        public void close() {
            try {
                if (in != null) {
                    in.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static DataOutputStream open(Path file) throws IOException {
        return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20));
    }

    private static void write(DataOutputStream out, long timeUs, byte[] value) throws IOException {
        out.writeLong(timeUs);
        out.writeInt(value.length);
        out.write(value);
    }
}
