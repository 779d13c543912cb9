package dev.itar.frames;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A generic per-frame array from a sensor frame's {@code data} map (ncore's {@code generic_data}): element type,
 * shape and the values little-endian in C order. Validated by the decoder: {@code product(shape) * itemSize(dtype)
 * == bytes.length}, bool bytes are 0 or 1.
 */
public record TypedArray(String dtype, long[] shape, byte[] bytes) {

    /**
     * The element types of typed arrays (wire {@code data} entries, ncore generic data), in the order
     * wire-format.md lists them, with their size in bytes: the one table of these dtypes.
     */
    private static final Map<String, Integer> ITEM_SIZES = itemSizes(
            "bool", 1, "int8", 1, "int16", 2, "int32", 4, "int64", 8,
            "uint8", 1, "uint16", 2, "uint32", 4, "uint64", 8, "float32", 4, "float64", 8);

    /** The dtypes the wire format allows, in the order wire-format.md lists them. */
    public static final List<String> DTYPES = List.copyOf(ITEM_SIZES.keySet());

    public TypedArray {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(bytes, "bytes");
    }

    private static Map<String, Integer> itemSizes(Object... nameSizePairs) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (int i = 0; i < nameSizePairs.length; i += 2) {
            sizes.put((String) nameSizePairs[i], (Integer) nameSizePairs[i + 1]);
        }
        return Collections.unmodifiableMap(sizes);
    }

    /** Whether {@code dtype} is one of {@link #DTYPES}. */
    public static boolean isDtype(String dtype) {
        return ITEM_SIZES.containsKey(dtype);
    }

    /** Bytes per element of a wire dtype. */
    public static int itemSize(String dtype) {
        Integer size = ITEM_SIZES.get(dtype);
        if (size == null) {
            throw new IllegalArgumentException("unknown dtype '" + dtype + "'; allowed: " + DTYPES);
        }
        return size;
    }

    /** Number of elements (product of the shape; 1 for a 0-d array). */
    public long elementCount() {
        long count = 1;
        for (long dim : shape) {
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TypedArray other
                && dtype.equals(other.dtype)
                && Arrays.equals(shape, other.shape)
                && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        return "TypedArray[dtype=" + dtype + ", shape=" + Arrays.toString(shape)
                + ", bytes=" + bytes.length + " bytes]";
    }
}
