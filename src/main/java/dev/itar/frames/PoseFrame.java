package dev.itar.frames;

import java.util.Arrays;
import java.util.Objects;

/**
 * {@code pose}: a dynamic pose sample, the rigid transform from {@code source} to {@code target}
 * at time {@code t} (µs); ncore stores the samples of a (source, target) pair under {@code dynamic_poses}.
 *
 * @param matrix 16 values, 4×4 row-major (on the wire 16 float64 little-endian, 128 bytes)
 */
public record PoseFrame(String source, String target, long t, double[] matrix) implements Frame {
    public PoseFrame {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        matrix = Matrices.copy4x4(matrix);
    }

    @Override
    public String type() {
        return "pose";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoseFrame other && source.equals(other.source) && target.equals(other.target)
                && t == other.t && Arrays.equals(matrix, other.matrix);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, target, t, Arrays.hashCode(matrix));
    }

    @Override
    public String toString() {
        return "PoseFrame[source=" + source + ", target=" + target + ", t=" + t
                + ", matrix=" + Arrays.toString(matrix) + "]";
    }
}
