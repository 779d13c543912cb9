package dev.itar.zarr;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The content summary of a zarr archive, in the structure of the reference fixtures' {@code *.summary.json}:
 * {@code {"ok": true, "zarr_format": N, "nodes": N, "file": name, "summary": {path: {"kind", "attributes",
 * "shape", "dtype", "sha256"}}}} (groups carry only kind and attributes).
 *
 * <p>{@code sha256} is over the whole decoded array, little-endian, C order, missing chunks as fill value;
 * for byte-string arrays over the values with trailing NULs removed, joined by one NUL byte. Maps are sorted
 * by key, as the fixtures are written ({@code json.dump(sort_keys=True)}).
 */
public final class ArchiveSummary {
    private ArchiveSummary() {}

    /** Summarises the archive at {@code file}. */
    public static Map<String, Object> of(Path file) throws IOException {
        try (ZarrArchiveReader r = ZarrArchiveReader.open(file)) {
            return of(r);
        }
    }

    /** Summarises an open archive; "file" is the archive's file name. */
    public static Map<String, Object> of(ZarrArchiveReader r) throws IOException {
        Map<String, Object> summary = new TreeMap<>();
        for (Node n : r.nodes().values()) {
            Map<String, Object> s = new TreeMap<>();
            s.put("attributes", sorted(n.attributes()));
            if (n.isArray()) {
                NdArray a = r.readArray(n.path());
                s.put("kind", "array");
                List<Object> shape = new ArrayList<>();
                for (long d : a.shape()) {
                    shape.add(d);
                }
                s.put("shape", shape);
                s.put("dtype", a.dtype().summaryName());
                s.put("sha256", sha256(a));
            } else {
                s.put("kind", "group");
            }
            summary.put(n.path(), s);
        }
        Map<String, Object> out = new TreeMap<>();
        out.put("file", r.name().substring(r.name().lastIndexOf('/') + 1));
        out.put("nodes", r.nodes().size());
        out.put("ok", true);
        out.put("summary", summary);
        out.put("zarr_format", r.zarrFormat());
        return out;
    }

    /** The summary as JSON, as the fixtures are written ({@code indent=1}, sorted keys). */
    public static byte[] toJson(Map<String, Object> summary) {
        return PyJson.dumps(sorted(summary), 1);
    }

    /** The summary digest of one array (see class comment). */
    public static String sha256(NdArray a) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (a.dtype().isBytes()) {
            boolean first = true;
            for (byte[] v : a.byteStrings()) {
                if (!first) {
                    md.update((byte) 0);
                }
                first = false;
                md.update(v);
            }
        } else {
            md.update(a.data().duplicate());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The summary digest of a single byte-string value (a 0-d {@code S<n>} array: trailing NULs removed). */
    public static String sha256Of(byte[] value) {
        int end = value.length;
        while (end > 0 && value[end - 1] == 0) {
            end--;
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(value, 0, end);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Object sorted(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> t = new TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                t.put(String.valueOf(e.getKey()), sorted(e.getValue()));
            }
            return t;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                out.add(sorted(o));
            }
            return out;
        }
        return v;
    }
}
