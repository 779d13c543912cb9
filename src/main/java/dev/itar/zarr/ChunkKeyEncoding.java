package dev.itar.zarr;

import java.util.LinkedHashMap;
import java.util.Map;

/** A v3 {@code chunk_key_encoding}: {@code default} ({@code c/0/0}) or {@code v2} ({@code 0.0}), with separator. */
public record ChunkKeyEncoding(String name, char separator) {
    public static final ChunkKeyEncoding DEFAULT = new ChunkKeyEncoding("default", '/');

    public ChunkKeyEncoding {
        if (!name.equals("default") && !name.equals("v2")) {
            throw new IllegalArgumentException("unsupported chunk_key_encoding " + name);
        }
        if (separator != '/' && separator != '.') {
            throw new IllegalArgumentException("chunk key separator must be '/' or '.', got '" + separator + "'");
        }
    }

    public static ChunkKeyEncoding v2(char separator) {
        return new ChunkKeyEncoding("v2", separator);
    }

    public String key(long... chunkIndex) {
        return name.equals("default") ? ChunkKeys.defaultEncoding(separator, chunkIndex)
                : ChunkKeys.v2(separator, chunkIndex);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("separator", String.valueOf(separator));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("configuration", cfg);
        return m;
    }

    static ChunkKeyEncoding fromJson(Object json) throws ZarrFormatException {
        if (json instanceof Map<?, ?> m && m.get("name") instanceof String name) {
            char sep = name.equals("v2") ? '.' : '/';
            if (m.get("configuration") instanceof Map<?, ?> cfg && cfg.get("separator") instanceof String s) {
                if (s.length() != 1) {
                    throw new ZarrFormatException("bad chunk key separator \"" + s + "\"");
                }
                sep = s.charAt(0);
            }
            try {
                return new ChunkKeyEncoding(name, sep);
            } catch (IllegalArgumentException e) {
                throw new ZarrFormatException(e.getMessage());
            }
        }
        throw new ZarrFormatException("bad chunk_key_encoding " + json);
    }
}
