package dev.itar.frames;

import java.util.Arrays;
import java.util.Objects;

/**
 * {@code static_pose}: a time-independent rigid transform (sensor extrinsics) from {@code source}
 * to {@code target}.
 *
 * @param matrix 16 float64 little-endian, 4×4 row-major (128 bytes)
 */
public record StaticPoseFrame(String source, String target, byte[] matrix) implements Frame {
    public StaticPoseFrame {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(matrix, "matrix");
    }

    @Override
    public String type() {
        return "static_pose";
    }

    /** The matrix as 16 doubles, row-major. */
    public double[] matrixValues() {
        return Matrices.values(matrix);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StaticPoseFrame other && source.equals(other.source)
                && target.equals(other.target) && Arrays.equals(matrix, other.matrix);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, target, Arrays.hashCode(matrix));
    }

    @Override
    public String toString() {
        return "StaticPoseFrame[source=" + source + ", target=" + target
                + ", matrix=" + Arrays.toString(matrixValues()) + "]";
    }
}
