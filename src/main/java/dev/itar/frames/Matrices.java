package dev.itar.frames;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** 4×4 row-major pose matrices: their wire forms (16 float64, or for a float32 static pose 16 float32, little-endian). */
public final class Matrices {
    /** Size of a wire pose matrix: 16 float64. */
    public static final int MATRIX_BYTES = 16 * Double.BYTES;

    private Matrices() {
    }

    /** 16 row-major doubles → 128 little-endian bytes. */
    public static byte[] toBytes(double... rowMajor) {
        return float64Bytes(copy4x4(rowMajor));
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

    /** Any number of doubles → their little-endian float64 bytes. */
    public static byte[] float64Bytes(double... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (double value : values) {
            buffer.putDouble(value);
        }
        return buffer.array();
    }

    /** 16 row-major values, each a float32 value → 64 little-endian float32 bytes. */
    public static byte[] toFloat32Bytes(double... rowMajor) {
        ByteBuffer buffer = ByteBuffer.allocate(MATRIX_BYTES / 2).order(ByteOrder.LITTLE_ENDIAN);
        for (double value : copy4x4(rowMajor)) {
            buffer.putFloat((float) value);
        }
        return buffer.array();
    }

    /** 64 little-endian float32 bytes → 16 row-major doubles (each exactly its float32 value). */
    public static double[] float32Values(byte[] matrix) {
        ByteBuffer buffer = ByteBuffer.wrap(matrix).order(ByteOrder.LITTLE_ENDIAN);
        double[] values = new double[matrix.length / Float.BYTES];
        for (int i = 0; i < values.length; i++) {
            values[i] = buffer.getFloat();
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
