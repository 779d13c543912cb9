package dev.itar.zarr;

import dev.itar.archive.IndexedTarWriter;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Writes a zarr format 3 hierarchy into an indexed tar: the one write path of the project (migration and
 * sealing both use it). Each node's {@code zarr.json} is rendered once, when the node is declared — the caller
 * declares it in its final form — and written as a member at once, its consolidated entry kept compactly as
 * CBOR; {@link #finish()} writes the root: the root group with the whole hierarchy inlined, compressed in the
 * chosen {@link RootDialect}. Nothing per node stays in memory, so a hierarchy of millions of nodes is written
 * in bounded memory.
 *
 * <p>Every group must be declared (parents are not invented); chunks may be written through the handle
 * {@link #createArray} returns, or may already be in the archive, and so may nodes' metadata ({@link #writeNode},
 * {@link #declareWritten}): the ingest pipeline writes each frame's chunks and nodes as the frame arrives, and
 * the groups above them and the root when the archive is sealed.
 */
public final class ZarrArchiveWriter implements Closeable {

    private final IndexedTarWriter out;
    private final RootDialect dialect;
    private final ConsolidatedMetadata consolidated;
    private GroupMetadata root = GroupMetadata.empty();
    private boolean done;

    public ZarrArchiveWriter(IndexedTarWriter out, RootDialect dialect) throws IOException {
        this.out = out;
        this.dialect = dialect;
        this.consolidated = new ConsolidatedMetadata(out.file().toAbsolutePath().getParent());
    }

    /** A new archive at {@code target} (written beside it, moved into place by {@link #finish()}). */
    public static ZarrArchiveWriter create(Path target, RootDialect dialect) throws IOException {
        IndexedTarWriter w = IndexedTarWriter.create(target);
        try {
            return new ZarrArchiveWriter(w, dialect);
        } catch (IOException | RuntimeException e) {
            w.abort();
            throw e;
        }
    }

    public IndexedTarWriter archive() {
        return out;
    }

    /** Declares a group in its final form ("" is the root, whose metadata is written by {@link #finish()}). */
    public void createGroup(String path, Map<String, Object> attributes) throws IOException {
        createGroup(path, new GroupMetadata(attributes));
    }

    public void createGroup(String path, GroupMetadata group) throws IOException {
        String p = checkPath(path);
        if (p.isEmpty()) {
            root = group;
            return;
        }
        write(p, RenderedNode.of(group));
    }

    /**
     * Declares a node from metadata rendered beforehand: a group, or an array whose chunks are already in the
     * archive or written separately ("" is not allowed: the root's metadata is written by {@link #finish()}).
     */
    public void createNode(String path, RenderedNode node) throws IOException {
        write(checkNodePath(out, path), node);
    }

    private void write(String path, RenderedNode node) throws IOException {
        out.put(metadataKey(path), node.json());
        consolidated.add(path, node);
    }

    /**
     * Writes a node's {@code zarr.json} member into an archive that a {@code ZarrArchiveWriter} opened on it later
     * finishes, and returns the node's consolidated entry, to be declared to that writer ({@link #declareWritten})
     * with the others in the order they were written. So a store can write each node as its data arrives and
     * leave only the root to the end.
     */
    public static byte[] writeNode(IndexedTarWriter out, String path, RenderedNode node) throws IOException {
        String p = checkNodePath(out, path);
        out.put(metadataKey(p), node.json());
        ByteArrayOutputStream entry = new ByteArrayOutputStream(node.consolidatedEntry().length + p.length() + 4);
        ConsolidatedMetadata.writeEntry(entry, p, node);
        return entry.toByteArray();
    }

    /**
     * Declares the nodes already in the archive ({@link #writeNode}); their entries come first in the consolidated
     * root, before those of the nodes this writer declares. At most once, before {@link #finish()}.
     */
    public void declareWritten(WrittenNodes nodes) {
        consolidated.addWritten(nodes);
    }

    /**
     * Declares an array in its final form; its chunks may then be written through the returned handle.
     *
     * @throws ZarrFormatException the metadata names a codec chain this project cannot encode
     */
    public ArrayChunks createArray(String path, ArrayMetadata md) throws IOException, ZarrFormatException {
        String p = checkPath(path);
        if (p.isEmpty()) {
            throw new IllegalArgumentException("the root of " + out.file() + " must be a group");
        }
        write(p, RenderedNode.of(md));
        return new ArrayChunks(p, md);
    }

    /** Writes the consolidated root and finishes the archive. Returns its size in bytes. */
    public long finish() throws IOException {
        return finish(Runnable::run);
    }

    /**
     * {@link #finish()}, with the archive's index compressed on {@code beside} while the root is (see {@link
     * IndexedTarWriter#finish(String, IndexedTarWriter.MemberContent, Executor)}); the same bytes.
     */
    public long finish(Executor beside) throws IOException {
        if (done) {
            throw new IllegalStateException("zarr archive " + out.file() + " is already finished");
        }
        done = true;
        try {
            return out.finish(dialect.key(), stored -> consolidated.writeRoot(stored, dialect, root), beside);
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        } finally {
            consolidated.close();
        }
    }

    /** {@link #finish()}, unless it was already called (or the writer was aborted). */
    @Override
    public void close() throws IOException {
        if (!done) {
            finish();
        }
    }

    /** Gives up: a new archive leaves nothing at its target. */
    public void abort() {
        done = true;
        out.abort();
        try {
            consolidated.close();
        } catch (IOException ignored) {
            // only a temp file of the spool; nothing at the target
        }
    }

    static String metadataKey(String path) {
        return path.isEmpty() ? "zarr.json" : path + "/zarr.json";
    }

    private String checkPath(String path) {
        return checkPath(out, path);
    }

    /** A node's path other than the root's, whose metadata is written by {@link #finish()}. */
    private static String checkNodePath(IndexedTarWriter out, String path) {
        String p = checkPath(out, path);
        if (p.isEmpty()) {
            throw new IllegalArgumentException(out.file() + ": the root group is declared with createGroup");
        }
        return p;
    }

    private static String checkPath(IndexedTarWriter out, String path) {
        if (path == null || path.startsWith("/") || path.endsWith("/") || path.contains("//")) {
            throw new IllegalArgumentException(out.file() + ": bad node path '" + path + "'");
        }
        for (String seg : path.split("/", -1)) {
            if (!path.isEmpty() && (seg.equals(".") || seg.equals("..") || seg.startsWith("__"))) {
                throw new IllegalArgumentException(out.file() + ": bad node path '" + path + "'");
            }
        }
        return path;
    }

    /** The chunks of one declared array. */
    public final class ArrayChunks {
        private final String path;
        private final ArrayMetadata md;
        private CodecPipeline pipeline;

        private ArrayChunks(String path, ArrayMetadata md) {
            this.path = path;
            this.md = md;
        }

        /** Encodes a whole chunk (little-endian, C order; edge chunks padded to full size) and stores it. */
        public void writeChunk(long[] chunkIndex, byte[] raw) throws IOException, ZarrFormatException {
            String key = key(chunkIndex);
            if (pipeline == null) {
                pipeline = CodecPipeline.of(md);
            }
            byte[] encoded;
            try {
                encoded = pipeline.encode(raw);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(out.file() + ": chunk '" + key + "': " + e.getMessage(), e);
            }
            out.put(key, encoded);
        }

        /** Stores a chunk already encoded with the array's codecs. */
        public void putEncodedChunk(long[] chunkIndex, byte[] encoded) throws IOException {
            out.put(key(chunkIndex), encoded);
        }

        /** The store key of a chunk, checked against the array's chunk grid. */
        public String key(long[] chunkIndex) {
            long[] grid = md.chunkGridShape();
            boolean ok = chunkIndex.length == grid.length;
            for (int i = 0; ok && i < grid.length; i++) {
                ok = chunkIndex[i] >= 0 && chunkIndex[i] < Math.max(grid[i], 1);
            }
            if (!ok) {
                throw new IllegalArgumentException(out.file() + ": chunk index " + Arrays.toString(chunkIndex)
                        + " is outside the chunk grid " + Arrays.toString(grid) + " of array '" + path + "'");
            }
            return ChunkKeys.storeKey(path, md.chunkKey(chunkIndex));
        }
    }
}
