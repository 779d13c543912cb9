package dev.itar.frames;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Minimal deterministic CBOR writer (RFC 8949): definite lengths only, shortest argument
 * encoding, floats as written (float32 for FloatNode, float64 otherwise). Hand-written rather than
 * Jackson's generator because that one switches to indefinite-length chunks for long strings.
 */
final class CborWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void head(int major, long argument) {
        int mt = major << 5;
        if (argument >= 0 && argument < 24) {
            out.write(mt | (int) argument);
        } else if (argument >= 0 && argument <= 0xFF) {
            out.write(mt | 24);
            out.write((int) argument);
        } else if (argument >= 0 && argument <= 0xFFFF) {
            out.write(mt | 25);
            writeBigEndian(argument, 2);
        } else if (argument >= 0 && argument <= 0xFFFF_FFFFL) {
            out.write(mt | 26);
            writeBigEndian(argument, 4);
        } else {
            // also used for arguments >= 2^63 passed as negative longs (uint64 reinterpretation)
            out.write(mt | 27);
            writeBigEndian(argument, 8);
        }
    }

    private void writeBigEndian(long value, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (value >>> (8 * i)) & 0xFF);
        }
    }

    CborWriter mapHeader(int entries) {
        head(5, entries);
        return this;
    }

    CborWriter arrayHeader(int entries) {
        head(4, entries);
        return this;
    }

    CborWriter text(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        head(3, utf8.length);
        out.writeBytes(utf8);
        return this;
    }

    CborWriter bytes(byte[] value) {
        head(2, value.length);
        out.writeBytes(value);
        return this;
    }

    /** Signed integer: major type 0 for >= 0, 1 for negative. */
    CborWriter integer(long value) {
        if (value >= 0) {
            head(0, value);
        } else {
            head(1, -1 - value);
        }
        return this;
    }

    CborWriter float64(double value) {
        out.write(0xFB);
        writeBigEndian(Double.doubleToRawLongBits(value), 8);
        return this;
    }

    CborWriter float32(float value) {
        out.write(0xFA);
        writeBigEndian(Float.floatToRawIntBits(value) & 0xFFFF_FFFFL, 4);
        return this;
    }

    CborWriter bool(boolean value) {
        out.write(value ? 0xF5 : 0xF4);
        return this;
    }

    CborWriter nul() {
        out.write(0xF6);
        return this;
    }

    /** A JSON-like tree: objects (in their iteration order), arrays, text, numbers, booleans, null. */
    CborWriter json(JsonNode node) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                mapHeader(node.size());
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    text(field.getKey());
                    json(field.getValue());
                }
            }
            case ARRAY -> {
                arrayHeader(node.size());
                for (JsonNode element : node) {
                    json(element);
                }
            }
            case STRING -> text(node.textValue());
            case BOOLEAN -> bool(node.booleanValue());
            case NULL -> nul();
            case NUMBER -> {
                if (node.isIntegralNumber()) {
                    if (!node.canConvertToLong()) {
                        throw new IllegalArgumentException("integer " + node + " is outside the int64 range");
                    }
                    integer(node.longValue());
                } else if (node.isFloat()) {
                    float32(node.floatValue());
                } else {
                    float64(node.doubleValue());
                }
            }
            case BINARY -> bytes(binary(node));
            default -> throw new IllegalArgumentException("cannot encode a " + node.getNodeType() + " node as CBOR");
        }
        return this;
    }

    private static byte[] binary(JsonNode node) {
        try {
            return node.binaryValue();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("unreadable binary node", e);
        }
    }
}
