package dev.itar.zarr;

import dev.itar.archive.ArchiveFormatException;
import dev.itar.archive.ByteSource;
import dev.itar.archive.IndexEntry;
import dev.itar.archive.IndexedTarReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads a zarr hierarchy (format 3 or 2) from an indexed tar.
 *
 * <p>Format 3: the root {@code zarr.json} (decoded from the archive's compressed root, {@link ConsolidatedRoot}) and its inline
 * consolidated metadata; without consolidated metadata, every {@code <path>/zarr.json} member. Format 2:
 * {@code .zmetadata.cbor.xz} consolidated metadata, else the {@code .zgroup}/{@code .zarray}/{@code .zattrs}
 * members. Errors name the archive file and the node or key.
 */
public final class ZarrArchiveReader implements Closeable {
    private final IndexedTarReader in;
    private final boolean ownsReader;
    private final int zarrFormat;
    private final SortedMap<String, Node> nodes;
    private final Map<String, CodecPipeline> pipelines = new HashMap<>();

    /** Reads the metadata of an open archive (the caller keeps ownership of {@code in}). */
    public ZarrArchiveReader(IndexedTarReader in) throws IOException {
        this(in, false);
    }

    private ZarrArchiveReader(IndexedTarReader in, boolean owns) throws IOException {
        this.in = in;
        this.ownsReader = owns;
        SortedMap<String, Node> n = new TreeMap<>();
        if (ConsolidatedRoot.dialect(in).isPresent() || in.contains("zarr.json")) {
            zarrFormat = 3;
            readV3(n);
        } else if (in.contains(".zmetadata.cbor.xz") || in.contains(".zgroup") || in.contains(".zarray")) {
            zarrFormat = 2;
            readV2(n);
        } else {
            throw new ZarrFormatException(in.name() + ": no zarr metadata (neither a compressed root, zarr.json,"
                    + " .zmetadata.cbor.xz nor .zgroup)");
        }
        nodes = Collections.unmodifiableSortedMap(n);
    }

    /** Opens {@code file}; closing this reader closes the archive. */
    public static ZarrArchiveReader open(Path file) throws IOException {
        return openOwning(() -> IndexedTarReader.open(file));
    }

    /** Opens the archive in {@code source}; the caller keeps the source and closes it after this reader. */
    public static ZarrArchiveReader open(ByteSource source) throws IOException {
        return openOwning(() -> IndexedTarReader.open(source));
    }

    /** How {@link #openOwning} gets its archive. */
    private interface ArchiveOpener {
        IndexedTarReader open() throws IOException, ArchiveFormatException;
    }

    /** A reader that owns the archive {@code opener} opens (closing it if the metadata cannot be read). */
    private static ZarrArchiveReader openOwning(ArchiveOpener opener) throws IOException {
        IndexedTarReader r;
        try {
            r = opener.open();
        } catch (ArchiveFormatException e) {
            throw new ZarrFormatException(e.getMessage(), e);
        }
        try {
            return new ZarrArchiveReader(r, true);
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /** Which compressed root the archive carries, if any (zarr format 3 archives). */
    public Optional<RootDialect> rootDialect() {
        return ConsolidatedRoot.dialect(in);
    }

    public IndexedTarReader archive() {
        return in;
    }

    /** The archive's file path or object URI. */
    public String name() {
        return in.name();
    }

    /** 3 or 2. */
    public int zarrFormat() {
        return zarrFormat;
    }

    /** Every node by path ("" is the root), sorted by path. */
    public SortedMap<String, Node> nodes() {
        return nodes;
    }

    public Node node(String path) throws ZarrFormatException {
        Node n = nodes.get(path);
        if (n == null) {
            throw new ZarrFormatException(in.name() + ": no node '" + path + "'");
        }
        return n;
    }

    // ------------------------------------------------------------------ data

    /** The stored (encoded) bytes of a chunk, empty when the chunk was never written. */
    public Optional<byte[]> readEncodedChunk(String path, long... chunkIndex) throws IOException {
        ArrayMetadata md = arrayNode(path);
        return in.get(ChunkKeys.storeKey(path, md.chunkKey(chunkIndex)));
    }

    /** One whole decoded chunk (little-endian, C order); a missing chunk is all fill value. */
    public byte[] readChunk(String path, long... chunkIndex) throws IOException {
        ArrayMetadata md = arrayNode(path);
        String key = ChunkKeys.storeKey(path, md.chunkKey(chunkIndex));
        Optional<byte[]> stored = in.get(key);
        if (stored.isEmpty()) {
            return filled(md, Math.toIntExact(md.chunkByteSize()));
        }
        try {
            return pipeline(path, md).decode(stored.get());
        } catch (ZarrFormatException e) {
            throw new ZarrFormatException(in.name() + ": array '" + path + "', chunk '" + key + "': "
                    + e.getMessage(), e);
        }
    }

    /** The whole array; missing chunks hold the fill value, edge chunks are trimmed to the shape. */
    public NdArray readArray(String path) throws IOException {
        ArrayMetadata md = arrayNode(path);
        long total = Math.multiplyExact(md.elementCount(), md.dataType().itemSize());
        if (total > Integer.MAX_VALUE - 8) {
            throw new ZarrFormatException(in.name() + ": array '" + path + "' of " + total
                    + " bytes is too large to read whole");
        }
        byte[] out = new byte[(int) total];
        int rank = md.rank();
        int item = md.dataType().itemSize();
        long[] shape = md.shape();
        long[] chunk = md.chunkShape();
        if (rank == 0) {
            byte[] c = readChunk(path);
            System.arraycopy(c, 0, out, 0, item);
            return new NdArray(md.dataType(), shape, ByteBuffer.wrap(out));
        }
        if (total == 0) {
            return new NdArray(md.dataType(), shape, ByteBuffer.wrap(out));
        }
        long[] grid = md.chunkGridShape();
        long[] idx = new long[rank];
        while (true) {
            byte[] c = readChunk(path, idx);
            copyChunk(c, idx, shape, chunk, item, out);
            int d = rank - 1;
            while (d >= 0 && ++idx[d] == grid[d]) {
                idx[d] = 0;
                d--;
            }
            if (d < 0) {
                break;
            }
        }
        return new NdArray(md.dataType(), shape, ByteBuffer.wrap(out));
    }

    /** Copies the in-bounds part of a chunk into the C-order output, one contiguous last-axis run at a time. */
    private static void copyChunk(byte[] c, long[] idx, long[] shape, long[] chunk, int item, byte[] out) {
        int rank = shape.length;
        long[] origin = new long[rank];
        long[] extent = new long[rank];
        for (int d = 0; d < rank; d++) {
            origin[d] = idx[d] * chunk[d];
            extent[d] = Math.min(chunk[d], shape[d] - origin[d]);
        }
        long[] pos = new long[rank]; // position within the chunk, last axis always 0
        int run = (int) (extent[rank - 1] * item);
        while (true) {
            long src = 0;
            long dst = 0;
            for (int d = 0; d < rank; d++) {
                src = src * chunk[d] + pos[d];
                dst = dst * shape[d] + origin[d] + pos[d];
            }
            System.arraycopy(c, (int) (src * item), out, (int) (dst * item), run);
            int d = rank - 2;
            while (d >= 0 && ++pos[d] == extent[d]) {
                pos[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    private static byte[] filled(ArrayMetadata md, int size) {
        byte[] one = md.dataType().fillBytes(md.fillValue());
        byte[] b = new byte[size];
        boolean zero = true;
        for (byte x : one) {
            zero &= x == 0;
        }
        if (!zero) {
            for (int i = 0; i < size; i += one.length) {
                System.arraycopy(one, 0, b, i, one.length);
            }
        }
        return b;
    }

    private ArrayMetadata arrayNode(String path) throws ZarrFormatException {
        Node n = node(path);
        if (!n.isArray()) {
            throw new ZarrFormatException(in.name() + ": node '" + path + "' is a group, not an array");
        }
        return n.array();
    }

    private synchronized CodecPipeline pipeline(String path, ArrayMetadata md) throws ZarrFormatException {
        CodecPipeline p = pipelines.get(path);
        if (p == null) {
            p = CodecPipeline.of(md);
            pipelines.put(path, p);
        }
        return p;
    }

    // ------------------------------------------------------------------ metadata, format 3

    private void readV3(SortedMap<String, Node> n) throws IOException {
        byte[] rootBytes = ConsolidatedRoot.get(in, ConsolidatedRoot.ROOT_KEY).orElseThrow(
                () -> new ZarrFormatException(in.name() + ": no root zarr.json"));
        Map<String, Object> root = parse(rootBytes, "zarr.json");
        n.put("", v3Node("", root, "zarr.json"));
        Object cm = root.get("consolidated_metadata");
        if (cm instanceof Map<?, ?> c && c.get("metadata") instanceof Map<?, ?> meta) {
            if (!"inline".equals(c.get("kind"))) {
                throw new ZarrFormatException(in.name() + ": zarr.json: unsupported consolidated_metadata kind "
                        + c.get("kind"));
            }
            for (Map.Entry<?, ?> e : meta.entrySet()) {
                String p = String.valueOf(e.getKey());
                if (!(e.getValue() instanceof Map<?, ?> doc)) {
                    throw new ZarrFormatException(in.name() + ": zarr.json: consolidated entry '" + p
                            + "' is not an object");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> d = (Map<String, Object>) doc;
                n.put(p, v3Node(p, d, "zarr.json (consolidated entry '" + p + "')"));
            }
            return;
        }
        for (IndexEntry e : in.entries()) {
            String k = e.key();
            if (k.endsWith("/zarr.json")) {
                String p = k.substring(0, k.length() - "/zarr.json".length());
                n.put(p, v3Node(p, parse(in.get(k).orElseThrow(), k), k));
            }
        }
    }

    private Node v3Node(String path, Map<String, Object> doc, String where) throws ZarrFormatException {
        try {
            Object type = doc.get("node_type");
            if ("group".equals(type)) {
                return Node.group(path, GroupMetadata.fromJsonMap(doc).attributes());
            }
            if ("array".equals(type)) {
                return Node.array(path, ArrayMetadata.fromJsonMap(doc));
            }
            throw new ZarrFormatException("node_type must be \"group\" or \"array\", got " + type);
        } catch (ZarrFormatException e) {
            throw new ZarrFormatException(in.name() + ": " + where + " (node '" + path + "'): " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ metadata, format 2

    private void readV2(SortedMap<String, Node> n) throws IOException {
        Map<String, Object> docs = new TreeMap<>();
        Optional<byte[]> consolidated = ConsolidatedRoot.legacyJson(in);
        if (consolidated.isPresent()) {
            Map<String, Object> c = parse(consolidated.get(), ".zmetadata.cbor.xz");
            Object meta = c.containsKey("zarr_consolidated_format") ? c.get("metadata") : c;
            if (!(meta instanceof Map<?, ?> m)) {
                throw new ZarrFormatException(in.name() + ": .zmetadata.cbor.xz has no metadata map");
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                docs.put(String.valueOf(e.getKey()), e.getValue());
            }
        } else {
            for (IndexEntry e : in.entries()) {
                String k = e.key();
                if (isV2MetaKey(k)) {
                    docs.put(k, parse(in.get(k).orElseThrow(), k));
                }
            }
        }
        for (Map.Entry<String, Object> e : docs.entrySet()) {
            String k = e.getKey();
            boolean group = k.equals(".zgroup") || k.endsWith("/.zgroup");
            boolean array = k.equals(".zarray") || k.endsWith("/.zarray");
            if (!group && !array) {
                continue;
            }
            String p = k.substring(0, Math.max(0, k.length() - (group ? "/.zgroup" : "/.zarray").length()));
            String attrsKey = p.isEmpty() ? ".zattrs" : p + "/.zattrs";
            Map<String, Object> attrs = asMap(docs.get(attrsKey), attrsKey);
            Map<String, Object> doc = asMap(e.getValue(), k);
            if (group) {
                if (!java.util.Objects.equals(doc.get("zarr_format"), 2)) {
                    throw new ZarrFormatException(in.name() + ": " + k + ": expected zarr_format 2, got "
                            + doc.get("zarr_format"));
                }
                n.put(p, Node.group(p, attrs));
            } else {
                try {
                    n.put(p, Node.array(p, ArrayMetadata.fromV2(doc, attrs)));
                } catch (ZarrFormatException x) {
                    throw new ZarrFormatException(in.name() + ": " + k + " (node '" + p + "'): " + x.getMessage(), x);
                }
            }
        }
        if (!n.containsKey("")) {
            throw new ZarrFormatException(in.name() + ": zarr format 2 archive without a root .zgroup");
        }
    }

    private static boolean isV2MetaKey(String k) {
        for (String s : new String[] {".zgroup", ".zarray", ".zattrs"}) {
            if (k.equals(s) || k.endsWith("/" + s)) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> asMap(Object o, String key) throws ZarrFormatException {
        if (o == null) {
            return Map.of();
        }
        if (!(o instanceof Map)) {
            throw new ZarrFormatException(in.name() + ": " + key + " is not a JSON object");
        }
        return (Map<String, Object>) o;
    }

    private Map<String, Object> parse(byte[] json, String key) throws ZarrFormatException {
        try {
            return PyJson.parseObject(json);
        } catch (IOException e) {
            throw new ZarrFormatException(in.name() + ": " + key + " is not a JSON object: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        if (ownsReader) {
            in.close();
        }
    }

    @Override
    public String toString() {
        return "ZarrArchiveReader[" + in.name() + ", format " + zarrFormat + ", " + nodes.size() + " nodes]";
    }
}
