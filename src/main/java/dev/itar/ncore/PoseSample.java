package dev.itar.ncore;

import java.util.Arrays;
import java.util.Objects;

/**
 * One dynamic pose sample: the source-to-target rigid transform at time {@code t}.
 *
 * @param matrix 16 values, 4x4 row-major
 */
public record PoseSample(String source, String target, long t, double[] matrix) {
    public PoseSample {
        FrameNames.check(source);
        FrameNames.check(target);
        matrix = Matrices.check4x4(matrix, "pose (" + source + ", " + target + ") at t=" + t);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoseSample p && p.source.equals(source) && p.target.equals(target) && p.t == t
                && Arrays.equals(p.matrix, matrix);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, target, t, Arrays.hashCode(matrix));
    }

    @Override
    public String toString() {
        return "PoseSample[" + source + "->" + target + " @" + t + " " + Arrays.toString(matrix) + "]";
    }
}
