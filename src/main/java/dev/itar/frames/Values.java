package dev.itar.frames;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** Small helpers shared by the frame records (null defaults, array summaries for toString). */
final class Values {
    private Values() {
    }

    static ObjectNode metaOrEmpty(ObjectNode meta) {
        return meta != null ? meta : JsonNodeFactory.instance.objectNode();
    }

    static SortedMap<String, TypedArray> dataOrEmpty(SortedMap<String, TypedArray> data) {
        return data == null ? Collections.emptySortedMap() : Collections.unmodifiableSortedMap(new TreeMap<>(data));
    }

    /** Large arrays are summarised by length in toString so logs stay readable. */
    static String summary(byte[] bytes) {
        return bytes == null ? "null" : bytes.length + " bytes";
    }
}
