package dev.itar.zarr;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Rewrites a zarr archive (format 2, or 3) as a zarr format 3 archive in ncore's v3 layout (PR #68): same
 * hierarchy, attributes, shapes, chunk shapes, fill values and values; numeric arrays with codecs
 * {@code bytes} little endian + blosc lz4 clevel 5 bitshuffle (typesize = item size, blocksize 0), byte-string
 * arrays with {@code bytes} only; default chunk keys ({@code c/0/0}, {@code c}). Chunks that were never written
 * in the source stay absent. Output is deterministic and written atomically.
 */
public final class Migration {
    private Migration() {}

    /**
     * @param force replace {@code dst} if it exists; otherwise an existing {@code dst} is refused
     * @param listener told done/total after each node
     */
    public static void migrate(Path src, Path dst, RootDialect dialect, boolean force, ProgressListener listener)
            throws IOException {
        if (!force && Files.exists(dst)) {
            throw new FileAlreadyExistsException(dst.toString(), null,
                    "migration target exists (use force to replace it)");
        }
        ProgressListener progress = listener == null ? ProgressListener.NONE : listener;
        try (ZarrArchiveReader r = ZarrArchiveReader.open(src)) {
            ZarrArchiveWriter w = ZarrArchiveWriter.create(dst, dialect);
            try {
                long total = r.nodes().size();
                long done = 0;
                for (Node n : r.nodes().values()) {
                    if (n.isArray()) {
                        copyArray(r, w, n);
                    } else {
                        w.createGroup(n.path(), n.attributes());
                    }
                    progress.progress(++done, total);
                }
            } catch (IOException | RuntimeException e) {
                w.abort();
                throw e;
            }
            w.close();
        }
    }

    /** The v3 metadata ncore would write for an array read from {@code src}. */
    public static ArrayMetadata v3Metadata(ArrayMetadata src) {
        DataType t = src.dataType();
        List<Codec> codecs = t.isBytes() ? List.of(Codec.bytesFor(t))
                : List.of(Codec.bytesFor(t), Codec.ncoreBlosc(t));
        return ArrayMetadata.of(src.shape(), src.chunkShape(), t, src.fillValue(), codecs, src.attributes());
    }

    private static void copyArray(ZarrArchiveReader r, ZarrArchiveWriter w, Node n) throws IOException {
        ArrayMetadata target = v3Metadata(n.array());
        ZarrArchiveWriter.ArrayChunks chunks = w.createArray(n.path(), target);
        long[] grid = n.array().chunkGridShape();
        int rank = grid.length;
        for (long g : grid) {
            if (g == 0) {
                return; // no chunks in an empty array
            }
        }
        long[] idx = new long[rank];
        while (true) {
            Optional<byte[]> stored = r.readEncodedChunk(n.path(), idx);
            if (stored.isPresent()) {
                chunks.writeChunk(idx.clone(), r.readChunk(n.path(), idx));
            }
            int d = rank - 1;
            while (d >= 0 && ++idx[d] == grid[d]) {
                idx[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }
}
