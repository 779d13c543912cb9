package dev.itar.frames;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;

/** Short human descriptions of decoded values for error reasons. */
final class Describe {
    private Describe() {
    }

    static String node(JsonNode node) {
        if (node.isTextual()) {
            return "text '" + clip(node.textValue()) + "'";
        }
        if (node.isBinary()) {
            return "a byte string of " + binary(node).length + " bytes";
        }
        if (node.isIntegralNumber()) {
            return (node.canConvertToLong() && node.longValue() < 0) || node.bigIntegerValue().signum() < 0
                    ? "the negative integer " + node.asText() : "the integer " + node.asText();
        }
        if (node.isNumber()) {
            return "the float " + node.asText();
        }
        if (node.isObject()) {
            return "a map";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isBoolean()) {
            return "the boolean " + node.asText();
        }
        if (node.isNull()) {
            return "null";
        }
        return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    static byte[] binary(JsonNode node) {
        try {
            return node.binaryValue();
        } catch (IOException e) {
            throw new IllegalStateException("binary node without bytes", e);
        }
    }

    /** Keeps reasons short when a producer sends a huge string. */
    static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…(" + s.length() + " chars)";
    }
}
