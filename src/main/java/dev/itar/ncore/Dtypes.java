package dev.itar.ncore;

import dev.itar.zarr.DataType;
import java.util.Arrays;

/**
 * Element type spellings used in this package's values: zarr v3 / wire names for numbers ({@code float32},
 * {@code uint64}, {@code bool}) and numpy {@code S<n>} for fixed-length byte strings (camera images).
 */
final class Dtypes {
    private Dtypes() {}

    /** A numeric (or bool) type by its wire name; IllegalArgumentException naming the spelling otherwise. */
    static DataType numeric(String name) {
        for (DataType t : DataType.numericTypes()) {
            if (t.v3Name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported dtype \"" + name
                + "\"; expected one of bool int8 int16 int32 int64 uint8 uint16 uint32 uint64 float32 float64");
    }

    /** A type in this package's spelling: a numeric name or {@code S<n>}. */
    static DataType parse(String spelling) {
        if (spelling.startsWith("S")) {
            try {
                return DataType.bytes(Integer.parseInt(spelling.substring(1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("unsupported dtype \"" + spelling + "\"");
            }
        }
        return numeric(spelling);
    }

    /** This package's spelling of a zarr type. */
    static String spelling(DataType t) {
        return t.isBytes() ? "S" + t.itemSize() : t.v3Name();
    }

    /** Product of the dimensions; IllegalArgumentException for negative dimensions or overflow. */
    static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
