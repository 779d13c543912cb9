package dev.itar.zarr;

import dev.itar.archive.IndexedTarWriter;
import dev.itar.archive.RootDialect;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a zarr format 3 hierarchy into an indexed tar. Node metadata is rendered once, at {@link #close()}
 * (the archive writer consolidates the root); chunks are written as they come, each at most once. Parent
 * groups that were never created explicitly are created with no attributes, as zarr-python does.
 */
public final class ZarrArchiveWriter implements Closeable {
    private final IndexedTarWriter out;
    private final Map<String, GroupMetadata> groups = new TreeMap<>();
    private final Map<String, ArrayMetadata> arrays = new TreeMap<>();
    private final Map<String, CodecPipeline> pipelines = new HashMap<>();
    private boolean closed;

    public ZarrArchiveWriter(IndexedTarWriter out) {
        this.out = out;
    }

    /** Writes to {@code target} (atomically, on close) with the given root dialect. */
    public static ZarrArchiveWriter create(Path target, RootDialect dialect) throws IOException {
        return new ZarrArchiveWriter(new IndexedTarWriter(target, dialect));
    }

    public IndexedTarWriter archive() {
        return out;
    }

    /** Declares a group ("" is the root). Declaring it again replaces its attributes. */
    public void createGroup(String path, Map<String, Object> attributes) {
        String p = checkPath(path);
        if (arrays.containsKey(p)) {
            throw new IllegalArgumentException("'" + p + "' is already an array in " + out.target());
        }
        groups.put(p, new GroupMetadata(attributes));
    }

    /** Declares an array; its chunks may then be written. Declaring it again replaces the metadata. */
    public void createArray(String path, ArrayMetadata md) throws ZarrFormatException {
        String p = checkPath(path);
        if (p.isEmpty()) {
            throw new IllegalArgumentException("the root of " + out.target() + " must be a group");
        }
        if (groups.containsKey(p)) {
            throw new IllegalArgumentException("'" + p + "' is already a group in " + out.target());
        }
        CodecPipeline pipe;
        try {
            pipe = CodecPipeline.of(md);
        } catch (ZarrFormatException e) {
            throw new ZarrFormatException(out.target() + ": array '" + p + "': " + e.getMessage(), e);
        }
        arrays.put(p, md);
        pipelines.put(p, pipe);
    }

    /** Encodes a whole chunk (little-endian, C order; edge chunks padded to full size) and stores it. */
    public void writeChunk(String path, long[] chunkIndex, byte[] raw) throws IOException {
        String key = chunkStoreKey(path, chunkIndex);
        byte[] encoded;
        try {
            encoded = pipelines.get(path).encode(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(out.target() + ": chunk '" + key + "': " + e.getMessage(), e);
        }
        out.put(key, encoded);
    }

    /** Stores a chunk that is already encoded with the array's codecs (the ingest pipeline encodes early). */
    public void putEncodedChunk(String path, long[] chunkIndex, byte[] encoded) throws IOException {
        out.put(chunkStoreKey(path, chunkIndex), encoded);
    }

    /** The store key of a chunk of a declared array, checked against its chunk grid. */
    public String chunkStoreKey(String path, long[] chunkIndex) {
        ArrayMetadata md = arrays.get(path);
        if (md == null) {
            throw new IllegalArgumentException(out.target() + ": no array '" + path + "' was created");
        }
        long[] grid = md.chunkGridShape();
        boolean ok = chunkIndex.length == grid.length;
        for (int i = 0; ok && i < grid.length; i++) {
            ok = chunkIndex[i] >= 0 && chunkIndex[i] < Math.max(grid[i], 1);
        }
        if (!ok) {
            throw new IllegalArgumentException(out.target() + ": chunk index " + Arrays.toString(chunkIndex)
                    + " is outside the chunk grid " + Arrays.toString(grid) + " of array '" + path + "'");
        }
        return ChunkKeys.storeKey(path, md.chunkKey(chunkIndex));
    }

    /** Renders every node's zarr.json and closes the archive (atomic rename onto the target). */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            Map<String, GroupMetadata> allGroups = new TreeMap<>(groups);
            allGroups.putIfAbsent("", GroupMetadata.empty());
            for (String p : new TreeMap<>(arrays).keySet()) {
                addParents(p, allGroups);
            }
            for (String p : groups.keySet()) {
                addParents(p, allGroups);
            }
            for (Map.Entry<String, GroupMetadata> g : allGroups.entrySet()) {
                out.put(metadataKey(g.getKey()), g.getValue().toJson());
            }
            for (Map.Entry<String, ArrayMetadata> a : arrays.entrySet()) {
                out.put(metadataKey(a.getKey()), a.getValue().toJson());
            }
            out.close();
            closed = true;
        } catch (IOException | RuntimeException e) {
            out.abort();
            closed = true;
            throw e;
        }
    }

    /** Gives up: nothing is left at the target. */
    public void abort() {
        closed = true;
        out.abort();
    }

    private void addParents(String p, Map<String, GroupMetadata> allGroups) {
        int i = p.lastIndexOf('/');
        while (i > 0) {
            String parent = p.substring(0, i);
            if (arrays.containsKey(parent)) {
                throw new IllegalArgumentException(out.target() + ": '" + p + "' lies under array '" + parent + "'");
            }
            allGroups.putIfAbsent(parent, GroupMetadata.empty());
            i = parent.lastIndexOf('/');
        }
    }

    static String metadataKey(String path) {
        return path.isEmpty() ? "zarr.json" : path + "/zarr.json";
    }

    private String checkPath(String path) {
        if (path == null || path.startsWith("/") || path.endsWith("/") || path.contains("//")) {
            throw new IllegalArgumentException(out.target() + ": bad node path '" + path + "'");
        }
        for (String seg : path.split("/", -1)) {
            if (!path.isEmpty() && (seg.equals(".") || seg.equals("..") || seg.startsWith("__"))) {
                throw new IllegalArgumentException(out.target() + ": bad node path '" + path + "'");
            }
        }
        return path;
    }
}
