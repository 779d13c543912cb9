package dev.itar.ncore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Conversion between Jackson trees (how values travel in this package) and the plain Java values
 * ({@link Map}, {@link List}, {@link Long}, {@link Double}, ...) that {@code dev.itar.zarr} renders. Key order is
 * kept; integer and float kinds stay apart (an attribute {@code 30.0} stays a float).
 */
final class JsonValues {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonValues() {}

    static Map<String, Object> toPlainMap(ObjectNode node) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), toPlain(e.getValue()));
        }
        return out;
    }

    static Object toPlain(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isObject()) {
            return toPlainMap((ObjectNode) n);
        }
        if (n.isArray()) {
            List<Object> out = new ArrayList<>(n.size());
            for (JsonNode c : n) {
                out.add(toPlain(c));
            }
            return out;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToLong() ? (Object) n.longValue() : n.bigIntegerValue();
        }
        if (n.isFloatingPointNumber()) {
            return n.doubleValue();
        }
        if (n.isBinary()) {
            throw new IllegalArgumentException("binary values cannot be stored as JSON attributes");
        }
        throw new IllegalArgumentException("unsupported JSON value " + n.getNodeType());
    }

    static ObjectNode toObjectNode(Map<String, ?> m) {
        ObjectNode o = NODES.objectNode();
        for (Map.Entry<String, ?> e : m.entrySet()) {
            o.set(e.getKey(), toNode(e.getValue()));
        }
        return o;
    }

    static JsonNode toNode(Object v) {
        if (v == null) {
            return NODES.nullNode();
        }
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = NODES.objectNode();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                o.set(String.valueOf(e.getKey()), toNode(e.getValue()));
            }
            return o;
        }
        if (v instanceof List<?> l) {
            ArrayNode a = NODES.arrayNode();
            for (Object o : l) {
                a.add(toNode(o));
            }
            return a;
        }
        if (v instanceof String s) {
            return NODES.textNode(s);
        }
        if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (v instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (v instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (v instanceof BigInteger b) {
            return NODES.numberNode(b);
        }
        if (v instanceof BigDecimal d) {
            return NODES.numberNode(d.doubleValue());
        }
        if (v instanceof Number n) {
            return NODES.numberNode(n.doubleValue());
        }
        throw new IllegalArgumentException("unsupported attribute value of type " + v.getClass().getSimpleName());
    }
}
