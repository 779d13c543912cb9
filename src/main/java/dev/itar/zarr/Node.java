package dev.itar.zarr;

import java.util.Map;

/**
 * One node of a zarr hierarchy.
 *
 * @param path path relative to the root, "" for the root, no leading or trailing "/"
 * @param kind group or array
 * @param attributes user attributes (JSON values, number kinds preserved)
 * @param array array metadata, null for groups
 */
public record Node(String path, Kind kind, Map<String, Object> attributes, ArrayMetadata array) {
    public enum Kind { GROUP, ARRAY }

    public Node {
        attributes = PyJson.freezeMap(attributes);
        if ((kind == Kind.ARRAY) != (array != null)) {
            throw new IllegalArgumentException("node '" + path + "': arrays need metadata, groups have none");
        }
    }

    public static Node group(String path, Map<String, Object> attributes) {
        return new Node(path, Kind.GROUP, attributes, null);
    }

    public static Node array(String path, ArrayMetadata md) {
        return new Node(path, Kind.ARRAY, md.attributes(), md);
    }

    public boolean isArray() {
        return kind == Kind.ARRAY;
    }
}
