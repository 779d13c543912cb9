package dev.itar.ncore;

import java.util.Arrays;
import java.util.Objects;

/**
 * A per-frame generic data array (wire {@code data} entry), stored under {@code frames/<t1>/generic_data/<name>}.
 *
 * @param dtype one of {@code bool int8 int16 int32 int64 uint8 uint16 uint32 uint64 float32 float64}
 * @param shape dimensions (empty for a scalar)
 * @param bytes the values, little-endian, C order
 */
public record GenericArray(String dtype, long[] shape, byte[] bytes) {
    public GenericArray {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(bytes, "bytes");
        shape = shape.clone();
        int itemSize = Dtypes.numeric(dtype).itemSize();
        long count = Dtypes.elementCount(shape);
        if (count * itemSize != bytes.length) {
            throw new IllegalArgumentException("generic array of dtype " + dtype + " and shape "
                    + Arrays.toString(shape) + " needs " + count * itemSize + " bytes, got " + bytes.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenericArray g && g.dtype.equals(dtype) && Arrays.equals(g.shape, shape)
                && Arrays.equals(g.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        return "GenericArray[" + dtype + Arrays.toString(shape) + ", " + bytes.length + " bytes]";
    }
}
