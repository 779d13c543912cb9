package dev.itar.zarr;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Zarr v3 group metadata. {@link #toJson()} matches zarr-python 3.1 ({@code GroupMetadata.to_dict()} with
 * {@code json.dumps(indent=2)}): {@code {"attributes": {...}, "zarr_format": 3, "node_type": "group"}}.
 */
public record GroupMetadata(Map<String, Object> attributes) {
    public GroupMetadata {
        attributes = PyJson.freezeMap(attributes);
    }

    public static GroupMetadata empty() {
        return new GroupMetadata(Map.of());
    }

    public Map<String, Object> toJsonMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attributes", attributes);
        m.put("zarr_format", 3);
        m.put("node_type", "group");
        return m;
    }

    public byte[] toJson() {
        return PyJson.dumps(toJsonMap());
    }

    /**
     * The document with inline consolidated metadata, as zarr-python 3.1's {@code consolidate_metadata} writes
     * a group ({@code consolidated_metadata} sits between {@code zarr_format} and {@code node_type}).
     */
    public Map<String, Object> toJsonMap(Map<String, Object> consolidatedMetadata) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attributes", attributes);
        m.put("zarr_format", 3);
        m.put("consolidated_metadata", consolidatedMetadata);
        m.put("node_type", "group");
        return m;
    }

    public static GroupMetadata fromJson(byte[] json) throws ZarrFormatException {
        Map<String, Object> m;
        try {
            m = PyJson.parseObject(json);
        } catch (java.io.IOException e) {
            throw new ZarrFormatException("group zarr.json is not valid JSON: " + e.getMessage(), e);
        }
        return fromJsonMap(m);
    }

    @SuppressWarnings("unchecked")
    public static GroupMetadata fromJsonMap(Map<String, Object> m) throws ZarrFormatException {
        if (!java.util.Objects.equals(m.get("zarr_format"), 3) || !"group".equals(m.get("node_type"))) {
            throw new ZarrFormatException("not a zarr v3 group document: zarr_format=" + m.get("zarr_format")
                    + ", node_type=" + m.get("node_type"));
        }
        Object a = m.get("attributes");
        return new GroupMetadata(a instanceof Map<?, ?> am ? (Map<String, Object>) am : Map.of());
    }
}
