package dev.itar.ncore;

import java.util.Arrays;
import java.util.Objects;

/**
 * A static pose (sensor extrinsics): the source-to-target rigid transform.
 *
 * @param matrix 16 values, 4x4 row-major
 * @param dtype  the element type ncore records with the pose: {@code float64} (wire default) or {@code float32}
 */
public record StaticPose(String source, String target, double[] matrix, String dtype) {
    public StaticPose {
        FrameNames.check(source);
        FrameNames.check(target);
        matrix = Matrices.check4x4(matrix, "static pose (" + source + ", " + target + ")");
        Objects.requireNonNull(dtype, "dtype");
        if (!dtype.equals("float64") && !dtype.equals("float32")) {
            throw new IllegalArgumentException("static pose (" + source + ", " + target
                    + "): dtype must be float32 or float64, got " + dtype);
        }
    }

    /** A float64 static pose, as the wire format carries them. */
    public StaticPose(String source, String target, double[] matrix) {
        this(source, target, matrix, "float64");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StaticPose p && p.source.equals(source) && p.target.equals(target)
                && Arrays.equals(p.matrix, matrix) && p.dtype.equals(dtype);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, target, Arrays.hashCode(matrix), dtype);
    }

    @Override
    public String toString() {
        return "StaticPose[" + source + "->" + target + " " + dtype + " " + Arrays.toString(matrix) + "]";
    }
}
