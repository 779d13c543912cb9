package dev.itar.frames;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A generic per-frame array from a sensor frame's {@code data} map: element type, shape and the
 * values little-endian in C order. Validated by the decoder: {@code product(shape) * itemSize(dtype)
 * == bytes.length}, bool bytes are 0 or 1.
 */
public record TypedArray(String dtype, long[] shape, byte[] bytes) {

    /** The dtypes the wire format allows, in the order wire-format.md lists them. */
    public static final List<String> DTYPES = List.of(
            "bool", "int8", "int16", "int32", "int64",
            "uint8", "uint16", "uint32", "uint64", "float32", "float64");

    private static final Map<String, Integer> ITEM_SIZES = Map.ofEntries(
            Map.entry("bool", 1), Map.entry("int8", 1), Map.entry("int16", 2),
            Map.entry("int32", 4), Map.entry("int64", 8), Map.entry("uint8", 1),
            Map.entry("uint16", 2), Map.entry("uint32", 4), Map.entry("uint64", 8),
            Map.entry("float32", 4), Map.entry("float64", 8));

    public TypedArray {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(bytes, "bytes");
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
