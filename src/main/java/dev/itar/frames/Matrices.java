package dev.itar.frames;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** 4×4 row-major pose matrices: their wire form (16 float64 little-endian) and their length. */
public final class Matrices {
    /** Size of a wire pose matrix: 16 float64. */
    public static final int MATRIX_BYTES = 16 * Double.BYTES;

    private Matrices() {
    }

    /** 16 row-major doubles → 128 little-endian bytes. */
    public static byte[] toBytes(double... rowMajor) {
        if (rowMajor.length != 16) {
            throw new IllegalArgumentException("a pose matrix has 16 values, got " + rowMajor.length);
        }
        ByteBuffer buffer = ByteBuffer.allocate(MATRIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (double value : rowMajor) {
            buffer.putDouble(value);
        }
        return buffer.array();
    }

    /** 128 little-endian bytes → 16 row-major doubles (fewer if the array is short). */
    public static double[] values(byte[] matrix) {
        ByteBuffer buffer = ByteBuffer.wrap(matrix).order(ByteOrder.LITTLE_ENDIAN);
        double[] values = new double[matrix.length / Double.BYTES];
        for (int i = 0; i < values.length; i++) {
            values[i] = buffer.getDouble();
        }
        return values;
    }

    /** A copy of a 4×4 matrix (the records own theirs); IllegalArgumentException unless it has 16 values. */
    static double[] copy4x4(double[] rowMajor) {
        if (rowMajor == null || rowMajor.length != 16) {
            throw new IllegalArgumentException("a pose matrix has 16 values (4x4 row-major), got "
                    + (rowMajor == null ? "null" : rowMajor.length));
        }
        return rowMajor.clone();
    }
}
