package dev.itar.zarr;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Node metadata as plain Java values (what {@link PyJson} writes as text) written as CBOR, the way Python's cbor2
 * writes the same document: maps in their own order, definite lengths, integers minimal, floats as 8-byte
 * binary64. The same value thus gives a zarr.json member and a consolidated-metadata entry without rendering one
 * and parsing it back.
 */
final class MetadataCbor {
    private MetadataCbor() {
    }

    static void write(JsonGenerator gen, Object v) throws IOException {
        if (v == null) {
            gen.writeNull();
        } else if (v instanceof String s) {
            text(gen, s);
        } else if (v instanceof Boolean b) {
            gen.writeBoolean(b);
        } else if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
            gen.writeNumber(((Number) v).doubleValue());
        } else if (v instanceof BigInteger b) {
            if (b.bitLength() < 64) {
                gen.writeNumber(b.longValue());
            } else {
                gen.writeNumber(b);
            }
        } else if (v instanceof Number n) {
            gen.writeNumber(n.longValue());
        } else if (v instanceof Map<?, ?> m) {
            gen.writeStartObject(null, m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                gen.writeFieldName(new SerializedString(String.valueOf(e.getKey())));
                write(gen, e.getValue());
            }
            gen.writeEndObject();
        } else if (v instanceof List<?> l) {
            gen.writeStartArray(null, l.size());
            for (Object o : l) {
                write(gen, o);
            }
            gen.writeEndArray();
        } else if (v instanceof long[] a) {
            gen.writeStartArray(null, a.length);
            for (long x : a) {
                gen.writeNumber(x);
            }
            gen.writeEndArray();
        } else if (v instanceof int[] a) {
            gen.writeStartArray(null, a.length);
            for (int x : a) {
                gen.writeNumber(x);
            }
            gen.writeEndArray();
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as metadata CBOR");
        }
    }

    /** Text with a definite length: Jackson switches long {@code String}s to chunked (indefinite) text. */
    static void text(JsonGenerator gen, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        gen.writeUTF8String(utf8, 0, utf8.length);
    }
}
