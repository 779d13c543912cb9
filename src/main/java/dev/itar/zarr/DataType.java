package dev.itar.zarr;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A zarr data type: bool, int8..int64, uint8..uint64, float32, float64, or a fixed-length byte string.
 *
 * <p>Spellings (established from zarr-python 3.1.6, {@code zarr/core/dtype/npy/bytes.py}): numpy {@code S<n>}
 * is zarr-python's {@code NullTerminatedBytes}; in v3 metadata it is
 * {@code {"name": "null_terminated_bytes", "configuration": {"length_bytes": n}}} and its fill value is the
 * base64 of the value ({@code ""} for the default empty string). Numeric types are plain names
 * ({@code "float32"}). In v2 metadata and summaries the numpy spellings are used ({@code "<f4"}, {@code "|u1"},
 * {@code "|b1"}, {@code "|S1167"}; summary {@code "f4"}, {@code "u1"}, {@code "b1"}, {@code "S1167"}).
 *
 * <p>Fill values are held as canonical Java values: {@link Boolean}, {@link Long} (all integer types; uint64
 * above {@code Long.MAX_VALUE} is stored as its two's complement bits), {@link Double} (floats, incl. NaN and
 * infinities) and {@code byte[]} (byte strings, without padding).
 */
public final class DataType {
    /** Kinds of element. */
    public enum Kind { BOOL, INT, UINT, FLOAT, BYTES }

    public static final DataType BOOL = new DataType(Kind.BOOL, 1, "bool");
    public static final DataType INT8 = new DataType(Kind.INT, 1, "int8");
    public static final DataType INT16 = new DataType(Kind.INT, 2, "int16");
    public static final DataType INT32 = new DataType(Kind.INT, 4, "int32");
    public static final DataType INT64 = new DataType(Kind.INT, 8, "int64");
    public static final DataType UINT8 = new DataType(Kind.UINT, 1, "uint8");
    public static final DataType UINT16 = new DataType(Kind.UINT, 2, "uint16");
    public static final DataType UINT32 = new DataType(Kind.UINT, 4, "uint32");
    public static final DataType UINT64 = new DataType(Kind.UINT, 8, "uint64");
    public static final DataType FLOAT32 = new DataType(Kind.FLOAT, 4, "float32");
    public static final DataType FLOAT64 = new DataType(Kind.FLOAT, 8, "float64");

    /** zarr-python 3.1's v3 name for numpy {@code S<n>}. */
    public static final String BYTES_V3_NAME = "null_terminated_bytes";

    private static final List<DataType> NUMERIC = List.of(
            BOOL, INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64, FLOAT32, FLOAT64);

    private final Kind kind;
    private final int itemSize;
    private final String name;

    private DataType(Kind kind, int itemSize, String name) {
        this.kind = kind;
        this.itemSize = itemSize;
        this.name = name;
    }

    /** Fixed-length byte string of {@code length} bytes (numpy {@code S<length>}); length ≥ 1 as in zarr-python. */
    public static DataType bytes(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("byte-string length must be >= 1, got " + length);
        }
        return new DataType(Kind.BYTES, length, BYTES_V3_NAME);
    }

    /** All fixed-size numeric (and bool) types. */
    public static List<DataType> numericTypes() {
        return NUMERIC;
    }

    public Kind kind() {
        return kind;
    }

    public int itemSize() {
        return itemSize;
    }

    /** v3 data type name: {@code "float32"}, ..., or {@code "null_terminated_bytes"}. */
    public String v3Name() {
        return name;
    }

    public boolean isBytes() {
        return kind == Kind.BYTES;
    }

    public boolean isFloat() {
        return kind == Kind.FLOAT;
    }

    /** Whether byte order matters, i.e. the {@code bytes} codec carries an {@code endian} (multi-byte numbers). */
    public boolean hasEndianness() {
        return kind != Kind.BYTES && itemSize > 1;
    }

    /** The v3 {@code data_type} JSON value: a string, or a name+configuration object for byte strings. */
    public Object toV3Json() {
        if (kind != Kind.BYTES) {
            return name;
        }
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("length_bytes", itemSize);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("configuration", cfg);
        return m;
    }

    /** Parses a v3 {@code data_type} value. */
    public static DataType fromV3Json(Object json) throws ZarrFormatException {
        if (json instanceof String s) {
            for (DataType t : NUMERIC) {
                if (t.name.equals(s)) {
                    return t;
                }
            }
            throw new ZarrFormatException("unsupported zarr v3 data_type \"" + s + "\"");
        }
        if (json instanceof Map<?, ?> m && BYTES_V3_NAME.equals(m.get("name"))
                && m.get("configuration") instanceof Map<?, ?> cfg
                && cfg.get("length_bytes") instanceof Number n) {
            try {
                return bytes(n.intValue());
            } catch (IllegalArgumentException e) {
                throw new ZarrFormatException("bad zarr v3 data_type " + json + ": " + e.getMessage());
            }
        }
        throw new ZarrFormatException("unsupported zarr v3 data_type " + json);
    }

    /** Numpy type code without byte order: {@code b1}, {@code i4}, {@code u8}, {@code f4}, {@code S1167}. */
    public String summaryName() {
        return switch (kind) {
            case BOOL -> "b1";
            case INT -> "i" + itemSize;
            case UINT -> "u" + itemSize;
            case FLOAT -> "f" + itemSize;
            case BYTES -> "S" + itemSize;
        };
    }

    /** Numpy {@code dtype.str} for little-endian storage: {@code <f4}, {@code |u1}, {@code |b1}, {@code |S41}. */
    public String numpyName() {
        return (hasEndianness() ? "<" : "|") + summaryName();
    }

    /** A numpy dtype string as in v2 {@code .zarray} ({@code <f4}, {@code >i2}, {@code |S41}, {@code f4}). */
    public static DataType fromNumpy(String s) throws ZarrFormatException {
        return parseNumpy(s).type();
    }

    /** A parsed numpy dtype string: the type and whether it is stored big-endian. */
    public record Numpy(DataType type, boolean bigEndian) {}

    public static Numpy parseNumpy(String s) throws ZarrFormatException {
        if (s == null || s.isEmpty()) {
            throw new ZarrFormatException("missing numpy dtype");
        }
        String body = s;
        boolean big = false;
        char c0 = s.charAt(0);
        if (c0 == '<' || c0 == '>' || c0 == '|' || c0 == '=') {
            big = c0 == '>';
            body = s.substring(1);
        }
        if (body.length() < 2) {
            throw new ZarrFormatException("unsupported numpy dtype \"" + s + "\"");
        }
        char k = body.charAt(0);
        int size;
        try {
            size = Integer.parseInt(body.substring(1));
        } catch (NumberFormatException e) {
            throw new ZarrFormatException("unsupported numpy dtype \"" + s + "\"");
        }
        if (k == 'S') {
            if (size < 1) {
                throw new ZarrFormatException("unsupported numpy dtype \"" + s + "\": length must be >= 1");
            }
            return new Numpy(bytes(size), false);
        }
        for (DataType t : NUMERIC) {
            if (t.summaryName().equals(body)) {
                return new Numpy(t, big && t.hasEndianness());
            }
        }
        throw new ZarrFormatException("unsupported numpy dtype \"" + s + "\"");
    }

    // ---------------------------------------------------------------- fill values

    /** The default fill value zarr-python uses when none is given: false, 0, 0.0, empty bytes. */
    public Object defaultFill() {
        return switch (kind) {
            case BOOL -> Boolean.FALSE;
            case INT, UINT -> 0L;
            case FLOAT -> 0.0;
            case BYTES -> new byte[0];
        };
    }

    /**
     * Parses a fill value as written in v3 ({@code zarrFormat} 3) or v2 ({@code zarrFormat} 2) metadata. v2
     * {@code null} means "no fill value" and yields the default. Floats accept numbers, {@code "NaN"},
     * {@code "Infinity"}, {@code "-Infinity"} and (v3) hex bit patterns such as {@code "0x7fc00000"}.
     * Byte strings are base64.
     */
    public Object fillFromJson(Object json, int zarrFormat) throws ZarrFormatException {
        if (json == null) {
            if (zarrFormat == 2) {
                return defaultFill();
            }
            throw new ZarrFormatException("fill_value null is not allowed in zarr v3 for " + this);
        }
        switch (kind) {
            case BOOL:
                if (json instanceof Boolean b) {
                    return b;
                }
                if (json instanceof Number n && (n.longValue() == 0 || n.longValue() == 1)) {
                    return n.longValue() == 1;
                }
                break;
            case INT:
            case UINT:
                if (json instanceof Integer || json instanceof Long || json instanceof BigInteger) {
                    BigInteger v = json instanceof BigInteger b ? b : BigInteger.valueOf(((Number) json).longValue());
                    BigInteger min = kind == Kind.UINT ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(itemSize * 8 - 1).negate();
                    BigInteger max = kind == Kind.UINT ? BigInteger.ONE.shiftLeft(itemSize * 8).subtract(BigInteger.ONE)
                            : BigInteger.ONE.shiftLeft(itemSize * 8 - 1).subtract(BigInteger.ONE);
                    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
                        throw new ZarrFormatException("fill_value " + v + " is out of range for " + this);
                    }
                    return v.longValue();
                }
                if (json instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
                    return fillFromJson(BigInteger.valueOf(d.longValue()), zarrFormat);
                }
                break;
            case FLOAT:
                if (json instanceof Number n) {
                    return itemSize == 4 ? (double) n.floatValue() : n.doubleValue();
                }
                if (json instanceof String s) {
                    switch (s) {
                        case "NaN": return Double.NaN;
                        case "Infinity": return Double.POSITIVE_INFINITY;
                        case "-Infinity": return Double.NEGATIVE_INFINITY;
                        default:
                            if (s.startsWith("0x") && s.length() == 2 + 2 * itemSize) {
                                try {
                                    long bits = Long.parseUnsignedLong(s.substring(2), 16);
                                    return itemSize == 4 ? (double) Float.intBitsToFloat((int) bits)
                                            : Double.longBitsToDouble(bits);
                                } catch (NumberFormatException e) {
                                    break;
                                }
                            }
                    }
                }
                break;
            case BYTES:
                if (json instanceof String s) {
                    try {
                        byte[] b = Base64.getDecoder().decode(s);
                        if (b.length > itemSize) {
                            throw new ZarrFormatException("fill_value of " + b.length + " bytes is longer than " + this);
                        }
                        return b;
                    } catch (IllegalArgumentException e) {
                        throw new ZarrFormatException("fill_value \"" + s + "\" for " + this + " is not base64");
                    }
                }
                break;
            default:
                break;
        }
        throw new ZarrFormatException("bad fill_value " + PyJson.describe(json) + " for data type " + this);
    }

    /** The fill value as zarr-python 3.1 writes it in v3 metadata. */
    public Object fillToJson(Object fill) {
        return switch (kind) {
            case BOOL -> (Boolean) fill;
            case INT -> ((Number) fill).longValue();
            case UINT -> itemSize == 8 ? new BigInteger(Long.toUnsignedString(((Number) fill).longValue()))
                    : ((Number) fill).longValue();
            case FLOAT -> {
                double d = ((Number) fill).doubleValue();
                if (Double.isNaN(d)) {
                    yield "NaN";
                }
                if (Double.isInfinite(d)) {
                    yield d > 0 ? "Infinity" : "-Infinity";
                }
                yield d;
            }
            case BYTES -> Base64.getEncoder().encodeToString(truncate((byte[]) fill));
        };
    }

    private byte[] truncate(byte[] b) {
        return b.length <= itemSize ? b : java.util.Arrays.copyOf(b, itemSize);
    }

    /** One element holding {@code fill}, little-endian (byte strings NUL padded). */
    public byte[] fillBytes(Object fill) {
        ByteBuffer bb = ByteBuffer.allocate(itemSize).order(ByteOrder.LITTLE_ENDIAN);
        switch (kind) {
            case BOOL -> bb.put((byte) (((Boolean) fill) ? 1 : 0));
            case INT, UINT -> {
                long v = ((Number) fill).longValue();
                switch (itemSize) {
                    case 1 -> bb.put((byte) v);
                    case 2 -> bb.putShort((short) v);
                    case 4 -> bb.putInt((int) v);
                    default -> bb.putLong(v);
                }
            }
            case FLOAT -> {
                double d = ((Number) fill).doubleValue();
                if (itemSize == 4) {
                    bb.putFloat((float) d);
                } else {
                    bb.putDouble(d);
                }
            }
            case BYTES -> bb.put(truncate((byte[]) fill));
        }
        return bb.array();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataType t && t.kind == kind && t.itemSize == itemSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, itemSize);
    }

    @Override
    public String toString() {
        return kind == Kind.BYTES ? BYTES_V3_NAME + "[" + itemSize + "]" : name;
    }
}
