package dev.itar.frames;

import com.fasterxml.jackson.databind.JsonNode;

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

    /** @param field how to name the map, e.g. "camera field 'meta'" */
    static void check(String field, JsonNode node) throws InvalidRecordException {
        walk(field, "", node);
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
