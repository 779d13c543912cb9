package dev.itar.zarr;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of a v3 {@code codecs} list: a name and its configuration in zarr-python's key order. An empty
 * configuration is written without the {@code configuration} key (as zarr-python writes {@code bytes} for
 * one-byte types and {@code crc32c}).
 */
public record Codec(String name, Map<String, Object> configuration) {
    public Codec {
        configuration = PyJson.freezeMap(configuration);
    }

    /** zarr-python's bytes codec; {@code endian} null for one-byte types. */
    public static Codec bytes(String endian) {
        if (endian == null) {
            return new Codec("bytes", Map.of());
        }
        if (!endian.equals("little") && !endian.equals("big")) {
            throw new IllegalArgumentException("bytes codec endian must be little or big, got " + endian);
        }
        return new Codec("bytes", ordered("endian", endian));
    }

    /** The bytes codec a type needs: little endian for multi-byte numbers, no configuration otherwise. */
    public static Codec bytesFor(DataType type) {
        return bytes(type.hasEndianness() ? "little" : null);
    }

    /**
     * Blosc, configuration keys in zarr-python 3.1's order: typesize, cname, clevel, shuffle, blocksize.
     * {@code shuffle} is {@code noshuffle}, {@code shuffle} or {@code bitshuffle}.
     */
    public static Codec blosc(String cname, int clevel, String shuffle, int typesize, int blocksize) {
        if (!List.of("lz4", "lz4hc", "blosclz", "zstd", "zlib").contains(cname)) {
            throw new IllegalArgumentException("unsupported blosc cname " + cname);
        }
        if (!List.of("noshuffle", "shuffle", "bitshuffle").contains(shuffle)) {
            throw new IllegalArgumentException("unsupported blosc shuffle " + shuffle);
        }
        return new Codec("blosc", ordered("typesize", typesize, "cname", cname, "clevel", clevel,
                "shuffle", shuffle, "blocksize", blocksize));
    }

    /** ncore's numeric compressor ({@code stores.lz4_codecs()}): blosc lz4, clevel 5, bitshuffle, blocksize 0. */
    public static Codec ncoreBlosc(DataType type) {
        return blosc("lz4", 5, "bitshuffle", type.itemSize(), 0);
    }

    public static Codec zstd(int level, boolean checksum) {
        return new Codec("zstd", ordered("level", level, "checksum", checksum));
    }

    public static Codec gzip(int level) {
        return new Codec("gzip", ordered("level", level));
    }

    public static Codec crc32c() {
        return new Codec("crc32c", Map.of());
    }

    /** zlib (RFC 1950) — numcodecs' v2 {@code zlib} compressor; v3 spelling {@code numcodecs.zlib}. */
    public static Codec zlib(int level) {
        return new Codec("numcodecs.zlib", ordered("level", level));
    }

    /** The v3 JSON object: {@code {"name": ..., "configuration": {...}}}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        if (!configuration.isEmpty()) {
            m.put("configuration", configuration);
        }
        return m;
    }

    static Codec fromJson(Object json) throws ZarrFormatException {
        if (json instanceof String s) {
            return new Codec(s, Map.of());
        }
        if (json instanceof Map<?, ?> m && m.get("name") instanceof String name) {
            Object cfg = m.get("configuration");
            if (cfg == null) {
                return new Codec(name, Map.of());
            }
            if (cfg instanceof Map<?, ?> c) {
                @SuppressWarnings("unchecked")
                Map<String, Object> cm = (Map<String, Object>) c;
                return new Codec(name, cm);
            }
        }
        throw new ZarrFormatException("bad codec entry " + json);
    }

    static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
