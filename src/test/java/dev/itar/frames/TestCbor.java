package dev.itar.frames;

import java.util.List;
import java.util.Map;

/** Encodes plain Java values (maps, lists, text, numbers, byte[]) as CBOR, to build records of any shape. */
final class TestCbor {
    private TestCbor() {
    }

    static byte[] encode(Object value) {
        CborWriter w = new CborWriter();
        write(w, value);
        return w.toByteArray();
    }

    private static void write(CborWriter w, Object value) {
        if (value == null) {
            w.nul();
        } else if (value instanceof String s) {
            w.text(s);
        } else if (value instanceof byte[] b) {
            w.bytes(b);
        } else if (value instanceof Integer || value instanceof Long) {
            w.integer(((Number) value).longValue());
        } else if (value instanceof Float f) {
            w.float32(f);
        } else if (value instanceof Double d) {
            w.float64(d);
        } else if (value instanceof Boolean b) {
            w.bool(b);
        } else if (value instanceof Map<?, ?> map) {
            w.mapHeader(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                write(w, e.getKey());
                write(w, e.getValue());
            }
        } else if (value instanceof List<?> list) {
            w.arrayHeader(list.size());
            for (Object element : list) {
                write(w, element);
            }
        } else {
            throw new IllegalArgumentException("cannot encode " + value.getClass());
        }
    }
}
