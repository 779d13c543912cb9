package dev.itar.ncore;

import dev.itar.frames.TypedArray;
import dev.itar.zarr.DataType;

/**
 * Element type spellings used in this package's values: the typed-array dtypes of {@link TypedArray#DTYPES} for
 * numbers ({@code float32}, {@code uint64}, {@code bool}; they are zarr v3's names of the same types) and numpy
 * {@code S<n>} for fixed-length byte strings (camera images).
 */
final class Dtypes {
    private Dtypes() {}

    /** A numeric (or bool) type by its typed-array dtype; IllegalArgumentException naming the spelling otherwise. */
    static DataType numeric(String name) {
        if (TypedArray.isDtype(name)) {
            for (DataType t : DataType.numericTypes()) {
                if (t.v3Name().equals(name)) {
                    return t;
                }
            }
        }
        throw new IllegalArgumentException("unsupported dtype \"" + name + "\"; expected one of "
                + String.join(" ", TypedArray.DTYPES));
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
}
