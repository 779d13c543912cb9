package dev.itar.frames;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;

import static dev.itar.frames.InvalidRecordException.WRONG_TYPE;

/**
 * Checks that a decoded map can be written as JSON unchanged (it becomes ncore generic meta data
 * or sensor attributes): values are text, booleans, null, integers within int64, finite floats,
 * arrays and maps of those. Byte strings and NaN/±Infinity have no JSON spelling and are rejected.
 * Non-text keys and CBOR tags were already rejected by {@link CborScanner}.
 */
final class JsonLike {
    private JsonLike() {
    }

    /**
     * Checks {@code node} and makes its numbers canonical in place.
     *
     * @param field how to name the map, e.g. "camera field 'meta'"
     */
    static void check(String field, JsonNode node) throws InvalidRecordException {
        walk(field, "", node);
        canonicalize(node);
    }

    /**
     * CBOR can spell one number several ways (0 as one byte or as a uint64, 1.5 as a half, single or double
     * float), and Jackson keeps the width it read as the node type (IntNode vs LongNode, FloatNode vs
     * DoubleNode), which JsonNode.equals tells apart. One node type per value makes equal values equal: an int
     * when it fits, else a long; every float a double (exact: each narrower float is a double).
     */
    private static void canonicalize(JsonNode node) {
        if (node instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode c = canonical(e.getValue());
                if (c != e.getValue()) {
                    e.setValue(c);
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode c = canonical(a.get(i));
                if (c != a.get(i)) {
                    a.set(i, c);
                }
            }
        }
    }

    private static JsonNode canonical(JsonNode v) {
        if (v.isContainerNode()) {
            canonicalize(v);
            return v;
        }
        if (v.isIntegralNumber() && !v.isInt()) {
            long l = v.longValue();
            return l == (int) l ? IntNode.valueOf((int) l) : (v.isLong() ? v : LongNode.valueOf(l));
        }
        if (v.isFloatingPointNumber() && !v.isDouble()) {
            return DoubleNode.valueOf(v.doubleValue());
        }
        return v;
    }

    private static void walk(String field, String path, JsonNode node) throws InvalidRecordException {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                walk(field, path + "." + Describe.clip(entry.getKey()), entry.getValue());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(field, path + "[" + i + "]", node.get(i));
            }
        } else if (node.isBinary()) {
            throw reject(field, path, "is a byte string");
        } else if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                throw reject(field, path, "is the integer " + node.bigIntegerValue() + ", outside the int64 range");
            }
        } else if (node.isNumber()) {
            if (!Double.isFinite(node.doubleValue())) {
                throw reject(field, path, "is the float " + node.doubleValue());
            }
        } else if (!node.isTextual() && !node.isBoolean() && !node.isNull()) {
            throw reject(field, path, "is a " + node.getNodeType());
        }
    }

    private static InvalidRecordException reject(String field, String path, String problem) {
        return new InvalidRecordException(WRONG_TYPE, field + " value at '" + (path.isEmpty() ? "." : path) + "' "
                + problem + "; it must be JSON-like (text, numbers that are finite, booleans, null, arrays, maps)");
    }
}
