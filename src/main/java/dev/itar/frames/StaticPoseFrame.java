package dev.itar.frames;

import java.util.Arrays;
import java.util.Objects;

/**
 * {@code static_pose}: a time-independent rigid transform (sensor extrinsics) from {@code source}
 * to {@code target}.
 *
 * @param matrix 16 values, 4×4 row-major (on the wire 16 float64 little-endian, 128 bytes)
 * @param dtype  the element type ncore records with the pose: {@code float64} (what the wire carries) or
 *               {@code float32} (possible in an archive written elsewhere)
 */
public record StaticPoseFrame(String source, String target, double[] matrix, String dtype) implements Frame {
    public StaticPoseFrame {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        matrix = Matrices.copy4x4(matrix);
        Objects.requireNonNull(dtype, "dtype");
        if (!dtype.equals("float64") && !dtype.equals("float32")) {
            throw new IllegalArgumentException("static pose (" + source + ", " + target
                    + "): dtype must be float32 or float64, got " + dtype);
        }
    }

    /** A float64 static pose, as the wire format carries them. */
    public StaticPoseFrame(String source, String target, double[] matrix) {
        this(source, target, matrix, "float64");
    }

    @Override
    public String type() {
        return "static_pose";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StaticPoseFrame other && source.equals(other.source)
                && target.equals(other.target) && Arrays.equals(matrix, other.matrix) && dtype.equals(other.dtype);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, target, Arrays.hashCode(matrix), dtype);
    }

    @Override
    public String toString() {
        return "StaticPoseFrame[source=" + source + ", target=" + target + ", dtype=" + dtype
                + ", matrix=" + Arrays.toString(matrix) + "]";
    }
}
