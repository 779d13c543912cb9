package dev.itar.zarr;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as zarr-python writes and reads it.
 *
 * <p>Writing reproduces Python's {@code json.dumps(obj, indent=2, allow_nan=True)} byte for byte (zarr-python's
 * {@code json_indent} default is 2): ASCII-only output, {@code ", "}-free item separators with newlines, floats
 * in Python {@code repr} form ({@code 30.0}, {@code 1e-05}, {@code NaN}), no trailing newline.
 *
 * <p>Reading yields plain Java values that keep JSON number kinds apart: integers become {@link Integer},
 * {@link Long} or {@link BigInteger}; numbers with a fraction or exponent become {@link Double}, so an
 * attribute {@code 30.0} stays a float. Objects are {@link LinkedHashMap} (document order), arrays
 * {@link ArrayList}. {@code NaN}/{@code Infinity} literals (which Python writes) are accepted.
 */
public final class PyJson {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private PyJson() {}

    /** Parses one JSON document into plain Java values (see class comment). */
    public static Object parse(byte[] json) throws IOException {
        try (JsonParser p = MAPPER.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IOException("empty JSON document");
            }
            Object v = read(p, t);
            if (p.nextToken() != null) {
                throw new IOException("trailing content after JSON document at " + p.currentLocation());
            }
            return v;
        }
    }

    /** Parses a JSON object; anything else is an error. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(byte[] json) throws IOException {
        Object v = parse(json);
        if (!(v instanceof Map)) {
            throw new IOException("expected a JSON object, got " + describe(v));
        }
        return (Map<String, Object>) v;
    }

    private static Object read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    m.put(name, read(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                JsonToken n;
                while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
                    l.add(read(p, n));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT: return p.getIntValue();
                    case LONG: return p.getLongValue();
                    default: return p.getBigIntegerValue();
                }
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected JSON token " + t + " at " + p.currentLocation());
        }
    }

    /** Characters from which a rendered document skips the intermediate string ({@link #ascii}). */
    private static final int LONG_DOCUMENT = 256 << 10;

    /**
     * The text as ASCII bytes, as {@code toString().getBytes(US_ASCII)} gives them; a long one without the
     * intermediate string: a document listing every frame of a long recording is megabytes, and sealing runs in
     * a small heap.
     */
    private static byte[] ascii(StringBuilder sb) {
        if (sb.length() < LONG_DOCUMENT) {
            return sb.toString().getBytes(StandardCharsets.US_ASCII);
        }
        byte[] out = new byte[sb.length()];
        for (int i = 0; i < out.length; i++) {
            char c = sb.charAt(i);
            out[i] = (byte) (c < 0x80 ? c : '?');
        }
        return out;
    }

    /** {@code json.dumps(value, indent=2, allow_nan=True).encode()}. */
    public static byte[] dumps(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0, 2);
        return ascii(sb);
    }

    /** {@code json.dumps(value, indent=indent)}; keys in the maps' own order. */
    public static byte[] dumps(Object value, int indent) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0, indent);
        return ascii(sb);
    }

    /** {@code json.dumps(value)} without indent: separators {@code ", "} and {@code ": "}. */
    public static byte[] dumpsCompact(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0, -1);
        return ascii(sb);
    }

    private static void write(StringBuilder sb, Object v, int level, int indent) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            string(sb, s);
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Double || v instanceof Float) {
            sb.append(pyFloat(((Number) v).doubleValue()));
        } else if (v instanceof BigDecimal d) {
            sb.append(pyFloat(d.doubleValue()));
        } else if (v instanceof Number n) {
            sb.append(n.toString());
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(indent >= 0 ? "," : ", ");
                }
                first = false;
                newline(sb, level + 1, indent);
                string(sb, String.valueOf(e.getKey()));
                sb.append(": ");
                write(sb, e.getValue(), level + 1, indent);
            }
            newline(sb, level, indent);
            sb.append('}');
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            boolean first = true;
            for (Object o : l) {
                if (!first) {
                    sb.append(indent >= 0 ? "," : ", ");
                }
                first = false;
                newline(sb, level + 1, indent);
                write(sb, o, level + 1, indent);
            }
            newline(sb, level, indent);
            sb.append(']');
        } else if (v instanceof long[] a) {
            List<Object> l = new ArrayList<>();
            for (long x : a) {
                l.add(x);
            }
            write(sb, l, level, indent);
        } else if (v instanceof int[] a) {
            List<Object> l = new ArrayList<>();
            for (int x : a) {
                l.add(x);
            }
            write(sb, l, level, indent);
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
        }
    }

    private static void newline(StringBuilder sb, int level, int indent) {
        if (indent < 0) {
            return;
        }
        sb.append('\n');
        for (int i = level * indent; i > 0; i--) {
            sb.append(' ');
        }
    }

    /** Python's {@code json} ASCII string escaping. */
    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c >= 0x20 && c <= 0x7e) {
                        sb.append(c);
                    } else {
                        sb.append(String.format("\\u%04x", (int) c));
                    }
                }
            }
        }
        sb.append('"');
    }

    /**
     * Python's {@code float.__repr__}: the shortest decimal that reads back as the same double, in fixed
     * notation when the decimal exponent is in [-4, 16), else scientific ({@code 1e-05}, {@code 1.5e+16}).
     */
    public static String pyFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal shortest = shortestReadingBack(Math.abs(d));
        BigDecimal stripped = shortest.stripTrailingZeros();
        String digits = stripped.unscaledValue().abs().toString();
        // decimal exponent of the first digit
        int exp = digits.length() - 1 - stripped.scale();
        String sign = d < 0 ? "-" : "";
        if (exp >= -4 && exp < 16) {
            // fixed notation (Python repr uses it for -4 <= exp < 16)
            String plain = stripped.abs().toPlainString();
            if (!plain.contains(".")) {
                plain = plain + ".0";
            }
            return sign + plain;
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String e = exp < 0 ? "-" + String.format("%02d", -exp) : "+" + String.format("%02d", exp);
        return sign + mantissa + "e" + e;
    }

    /**
     * The {@code digits}-digit decimal nearest to {@code exact} that reads back as {@code d}, or null. Only the two
     * neighbours of the exact value can: below a power of two the doubles are twice as dense as above it, so the
     * nearer neighbour may miss and the farther one still read back.
     */
    private static BigDecimal readingBack(BigDecimal exact, int digits, double d) {
        BigDecimal nearest = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
        if (nearest.doubleValue() == d) {
            return nearest;
        }
        RoundingMode away = nearest.compareTo(exact) < 0 ? RoundingMode.CEILING : RoundingMode.FLOOR;
        BigDecimal other = exact.round(new MathContext(digits, away));
        return other.doubleValue() == d ? other : null;
    }

    /**
     * The shortest decimal that reads back as {@code a} (finite, positive), the nearest to it if there are several
     * — what Python prints. Double.toString gives digits that read back, so the shortest has at most their count;
     * those that read back with one digit fewer, or with as many, form a run around {@code a}, so checking the
     * neighbours of the Java digits tells whether they are the answer. Only when a neighbour also reads back does
     * the exact value decide (about half of all 17-digit cases), or when fewer digits do (rare).
     */
    private static BigDecimal shortestReadingBack(double a) {
        String java = Double.toString(a);
        int e = java.indexOf('E');
        String mantissa = e < 0 ? java : java.substring(0, e);
        int point = mantissa.indexOf('.');
        long digits = Long.parseLong(mantissa.substring(0, point) + mantissa.substring(point + 1));
        int scale = mantissa.length() - point - 1 - (e < 0 ? 0 : Integer.parseInt(java.substring(e + 1)));
        while (digits % 10 == 0) {
            digits /= 10;
            scale--;
        }
        int count = Long.toString(digits).length();
        if (count > 1 && (readsBack(digits / 10, scale - 1, a) || readsBack(digits / 10 + 1, scale - 1, a))) {
            return shortestFromExact(a, count - 1);
        }
        if (readsBack(digits - 1, scale, a) || readsBack(digits + 1, scale, a)) {
            return readingBack(new BigDecimal(a), count, a);
        }
        return BigDecimal.valueOf(digits, scale);
    }

    private static boolean readsBack(long digits, int scale, double a) {
        return digits > 0 && Double.parseDouble(digits + "E" + -scale) == a;
    }

    /** The shortest decimal of at most {@code digits} digits that reads back as {@code a}, from its exact value. */
    private static BigDecimal shortestFromExact(double a, int digits) {
        BigDecimal exact = new BigDecimal(a);
        int p = digits;
        BigDecimal shortest = readingBack(exact, p, a);
        while (p > 1) {
            BigDecimal shorter = readingBack(exact, p - 1, a);
            if (shorter == null) {
                break;
            }
            shortest = shorter;
            p--;
        }
        return shortest;
    }

    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        return v.getClass().getSimpleName() + " " + v;
    }

    /** Deep copy into insertion-ordered, unmodifiable containers (for record fields). */
    @SuppressWarnings("unchecked")
    static Object freeze(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), freeze(e.getValue()));
            }
            return Collections.unmodifiableMap(out);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(freeze(o));
            }
            return Collections.unmodifiableList(out);
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> freezeMap(Map<String, ?> m) {
        return m == null ? Map.of() : (Map<String, Object>) freeze(m);
    }
}
