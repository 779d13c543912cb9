package dev.itar.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The root {@code zarr.json} with zarr consolidated metadata, and its three compressed spellings.
 *
 * <p>Layout follows zarr-python 3.1 ({@code consolidate_metadata} / {@code ConsolidatedMetadata.to_dict}):
 * {@code "consolidated_metadata": {"kind": "inline", "must_understand": false, "metadata": {...}}} placed
 * where zarr puts it (after {@code attributes} and {@code zarr_format}, before {@code node_type}); the
 * metadata map is flat, keyed by each node's full path relative to the root, sorted by (number of '/',
 * NFKC-casefolded path); child groups carry an empty inline consolidated_metadata of their own.
 */
final class ConsolidatedRoot {
    static final String ROOT_KEY = "zarr.json";
    static final String NODE_SUFFIX = "/zarr.json";
    /** A root larger than this when decoded is refused rather than risk running out of memory. */
    static final long MAX_DECODED_ROOT = 512L * 1024 * 1024;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConsolidatedRoot() {}

    static boolean isMetadataKey(String key) {
        return key.equals(ROOT_KEY) || key.endsWith(NODE_SUFFIX);
    }

    /** Path of the node a zarr.json key describes ("" for the root). */
    static String nodePath(String metadataKey) {
        return metadataKey.equals(ROOT_KEY) ? ""
                : metadataKey.substring(0, metadataKey.length() - NODE_SUFFIX.length());
    }

    /**
     * {@code keys} in the order deferred zarr.json records are written: top-down, (number of '/', key). The
     * slash counts are computed once per key, not per comparison.
     */
    static List<String> sortedForWrite(Collection<String> keys) {
        List<SortKey> sk = new ArrayList<>(keys.size());
        for (String k : keys) {
            sk.add(new SortKey(slashes(k), k, k));
        }
        return sortKeys(sk);
    }

    /**
     * {@code paths} in zarr-python's order for consolidated entries, (number of '/', NFKC-casefolded path), ties
     * broken by the raw path so the order is total; each path is casefolded once, not per comparison.
     */
    static List<String> sortedConsolidated(Collection<String> paths) {
        List<SortKey> sk = new ArrayList<>(paths.size());
        for (String p : paths) {
            sk.add(new SortKey(slashes(p), casefold(p), p));
        }
        return sortKeys(sk);
    }

    /** Precomputed (slashes, folded, raw) ordering key. */
    private record SortKey(int slashes, String folded, String raw) implements Comparable<SortKey> {
        @Override
        public int compareTo(SortKey o) {
            int c = Integer.compare(slashes, o.slashes);
            if (c == 0) {
                c = folded.compareTo(o.folded);
            }
            return c != 0 ? c : raw.compareTo(o.raw);
        }
    }

    private static List<String> sortKeys(List<SortKey> keys) {
        keys.sort(null);
        List<String> out = new ArrayList<>(keys.size());
        for (SortKey k : keys) {
            out.add(k.raw());
        }
        return out;
    }

    private static int slashes(String s) {
        int n = 0;
        for (int i = s.indexOf('/'); i >= 0; i = s.indexOf('/', i + 1)) {
            n++;
        }
        return n;
    }

    private static String casefold(String s) {
        if (isAscii(s)) {
            // NFKC leaves ASCII unchanged and upper-then-lower of ASCII is ASCII lower case
            return asciiLower(s);
        }
        // Python's str.casefold() is close to upper-then-lower (it maps ß to ss, unlike toLowerCase).
        return Normalizer.normalize(s, Normalizer.Form.NFKC).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static String asciiLower(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] out = s.toCharArray();
                for (int j = i; j < out.length; j++) {
                    if (out[j] >= 'A' && out[j] <= 'Z') {
                        out[j] = (char) (out[j] + ('a' - 'A'));
                    }
                }
                return new String(out);
            }
        }
        return s;
    }

    /**
     * Builds the consolidated root from the root's own JSON and every other node's zarr.json.
     *
     * @param root     parsed root zarr.json (a JSON object)
     * @param children node path → parsed zarr.json of every non-root node
     */
    static ObjectNode build(ObjectNode root, Map<String, JsonNode> children) {
        List<String> paths = sortedConsolidated(children.keySet());
        ObjectNode metadata = NODES.objectNode();
        for (String p : paths) {
            JsonNode node = children.get(p);
            if (node.isObject() && "group".equals(node.path("node_type").asText(null))) {
                // zarr-python marks consolidated child groups with an empty inline consolidated_metadata
                node = withConsolidated(node.deepCopy(), inline(NODES.objectNode()), false);
            }
            metadata.set(p, node);
        }
        return withConsolidated(root.deepCopy(), inline(metadata), true);
    }

    private static ObjectNode inline(ObjectNode metadata) {
        ObjectNode c = NODES.objectNode();
        c.put("kind", "inline");
        c.put("must_understand", false);
        c.set("metadata", metadata);
        return c;
    }

    /** Sets consolidated_metadata in place if present, else inserts it before node_type (zarr's field order). */
    private static ObjectNode withConsolidated(ObjectNode node, ObjectNode consolidated, boolean replace) {
        if (node.has("consolidated_metadata")) {
            if (replace || node.get("consolidated_metadata").isNull()) {
                node.set("consolidated_metadata", consolidated);
            }
            return node;
        }
        if (!node.has("node_type")) {
            node.set("consolidated_metadata", consolidated);
            return node;
        }
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if (f.getKey().equals("node_type")) {
                out.set("consolidated_metadata", consolidated);
            }
            out.set(f.getKey(), f.getValue());
        }
        return out;
    }

    /** The bytes stored under {@code dialect.key()}. */
    static byte[] encode(RootDialect dialect, ObjectNode root) {
        return switch (dialect) {
            case PR68 -> {
                ObjectNode envelope = NODES.objectNode();
                envelope.put("zarr_consolidated_format", 1);
                envelope.set("metadata", root);
                yield Compression.xz(Cbor.encode(envelope));
            }
            case NCORE20_XZ -> Compression.xz(Cbor.encode(root));
            case NCORE20_ZLIB -> Compression.zlib9(Cbor.encode(root));
        };
    }

    /** Decodes a stored root back to the zarr.json document (JSON bytes), unwrapping the PR68 envelope. */
    static byte[] decode(Path file, RootDialect dialect, IndexEntry entry, byte[] stored)
            throws ArchiveFormatException {
        String where = "compressed root '" + entry.key() + "' at offset " + entry.offset();
        long limit = Math.min(MAX_DECODED_ROOT, Math.max(1L << 20, stored.length * 2000L));
        byte[] cbor;
        try {
            cbor = dialect == RootDialect.NCORE20_ZLIB ? Compression.unzlib(stored, limit)
                    : Compression.unxz(stored, limit);
        } catch (IOException e) {
            throw ArchiveFormatException.at(file, where + " does not decompress: " + e.getMessage(), e);
        }
        JsonNode doc;
        try {
            doc = Cbor.decode(cbor);
        } catch (IOException e) {
            throw ArchiveFormatException.at(file, where + " is not valid CBOR: " + e.getMessage(), e);
        }
        if (!doc.isObject()) {
            throw ArchiveFormatException.at(file, where + " holds a CBOR " + doc.getNodeType() + ", expected a map");
        }
        if (dialect == RootDialect.PR68) {
            doc = unwrap(file, where, doc);
        }
        return Cbor.toJson(doc);
    }

    /** Unwraps {"zarr_consolidated_format": 1, "metadata": {...}} (PR68 and v2 .zmetadata.cbor.xz). */
    static JsonNode unwrap(Path file, String where, JsonNode envelope) throws ArchiveFormatException {
        JsonNode format = envelope.get("zarr_consolidated_format");
        if (format == null || !format.isIntegralNumber() || format.asLong() != 1) {
            throw ArchiveFormatException.at(file, where + ": unsupported zarr_consolidated_format " + format
                    + " (expected 1)");
        }
        JsonNode metadata = envelope.get("metadata");
        if (metadata == null || !metadata.isObject()) {
            throw ArchiveFormatException.at(file, where + ": 'metadata' is missing or not a map");
        }
        return metadata;
    }
}
