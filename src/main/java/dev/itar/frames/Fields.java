package dev.itar.frames;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.itar.frames.InvalidRecordException.MISSING_FIELD;
import static dev.itar.frames.InvalidRecordException.OUT_OF_RANGE;
import static dev.itar.frames.InvalidRecordException.UNKNOWN_FIELD;
import static dev.itar.frames.InvalidRecordException.WRONG_TYPE;

/**
 * Typed access to the fields of one decoded CBOR map, producing reasons that name the record type
 * and the field ("lidar field 'n' must be an unsigned integer, got text 'abc'").
 */
final class Fields {
    private final String owner;
    private final ObjectNode map;

    /** @param owner how messages name the map, e.g. "lidar" or "camera data entry 'depth'" */
    Fields(String owner, ObjectNode map) {
        this.owner = owner;
        this.map = map;
    }

    String owner() {
        return owner;
    }

    String field(String name) {
        return owner + " field '" + name + "'";
    }

    InvalidRecordException error(String code, String name, String problem) {
        return new InvalidRecordException(code, field(name) + " " + problem);
    }

    /** Rejects any field not in {@code allowed}; the strict contract catches producer typos early. */
    void rejectUnknown(Set<String> allowed) throws InvalidRecordException {
        for (Iterator<String> it = map.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw new InvalidRecordException(UNKNOWN_FIELD, owner + " has unknown field '" + Describe.clip(name)
                        + "'; allowed fields are " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    /** The raw node of a field, or null when absent. */
    JsonNode node(String name) {
        return map.get(name);
    }

    boolean has(String name) {
        return map.has(name);
    }

    private JsonNode required(String name, String expected) throws InvalidRecordException {
        JsonNode node = map.get(name);
        if (node == null) {
            throw new InvalidRecordException(MISSING_FIELD, owner + " is missing required field '" + name
                    + "' (" + expected + ")");
        }
        return node;
    }

    long uint(String name) throws InvalidRecordException {
        return uintValue(required(name, "an unsigned integer"), name);
    }

    long uintValue(JsonNode node, String name) throws InvalidRecordException {
        if (!node.isIntegralNumber()) {
            throw error(WRONG_TYPE, name, "must be an unsigned integer, got " + Describe.node(node));
        }
        if (node.canConvertToLong() ? node.longValue() < 0 : node.bigIntegerValue().signum() < 0) {
            throw error(WRONG_TYPE, name, "must be an unsigned integer, got " + Describe.node(node));
        }
        if (!node.canConvertToLong()) {
            throw error(OUT_OF_RANGE, name, "is " + node.bigIntegerValue() + ", above the limit 2^63-1");
        }
        return node.longValue();
    }

    String text(String name) throws InvalidRecordException {
        JsonNode node = required(name, "text");
        if (!node.isTextual()) {
            throw error(WRONG_TYPE, name, "must be text, got " + Describe.node(node));
        }
        return node.textValue();
    }

    String text(String name, Pattern syntax, String syntaxDescription) throws InvalidRecordException {
        String value = text(name);
        if (!syntax.matcher(value).matches()) {
            throw error(InvalidRecordException.BAD_NAME, name, "is '" + Describe.clip(value) + "'; it must match "
                    + syntaxDescription);
        }
        return value;
    }

    /** Text that must be one of {@code allowed} (an enumerated field). */
    String textOneOf(String name, java.util.Collection<String> allowed) throws InvalidRecordException {
        String value = text(name);
        if (!allowed.contains(value)) {
            throw error(OUT_OF_RANGE, name, "is '" + Describe.clip(value) + "'; it must be one of " + allowed);
        }
        return value;
    }

    byte[] bytes(String name, String expected) throws InvalidRecordException {
        JsonNode node = required(name, "a byte string: " + expected);
        if (!node.isBinary()) {
            throw error(WRONG_TYPE, name, "must be a byte string (" + expected + "), got " + Describe.node(node));
        }
        return Describe.binary(node);
    }

    ObjectNode mapField(String name) throws InvalidRecordException {
        JsonNode node = required(name, "a map");
        if (!node.isObject()) {
            throw error(WRONG_TYPE, name, "must be a map, got " + Describe.node(node));
        }
        return (ObjectNode) node;
    }
}
