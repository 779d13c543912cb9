package dev.itar.zarr;

import dev.itar.archive.IndexEntry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks an archive's zarr content: every node's metadata parses (done by opening the reader), every stored
 * chunk of every array decodes to its full chunk size, and every member of the container is accounted for —
 * node metadata, a consolidated root, or a chunk inside some array's chunk grid. A member that is none of
 * these is a stray key, which a reader would never find.
 */
public final class ContentVerifier {
    /** Problems worth listing before the rest is summarised as a count. */
    private static final int MAX_LISTED = 20;

    private ContentVerifier() {}

    /** What the content check found; {@code problems} empty means every node and chunk decodes. */
    public record Result(int nodes, long chunks, long missingChunks, List<String> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    /** Decodes everything in {@code r}; never throws for damaged content, it reports it. */
    public static Result check(ZarrArchiveReader r) throws IOException {
        List<String> problems = new ArrayList<>();
        int[] suppressed = {0};
        Set<String> accounted = new HashSet<>();
        long chunks = 0;
        long missing = 0;
        for (Node n : r.nodes().values()) {
            accounted.addAll(metadataKeys(n.path(), r.zarrFormat()));
            if (!n.isArray()) {
                continue;
            }
            ArrayMetadata md = n.array();
            long[] grid = md.chunkGridShape();
            long[] idx = new long[grid.length];
            if (md.elementCount() == 0) {
                continue;
            }
            do {
                String key = ChunkKeys.storeKey(n.path(), md.chunkKey(idx));
                accounted.add(key);
                Optional<byte[]> stored = r.readEncodedChunk(n.path(), idx);
                if (stored.isEmpty()) {
                    missing++;
                } else {
                    chunks++;
                    try {
                        r.readChunk(n.path(), idx);
                    } catch (IOException | RuntimeException e) {
                        report(problems, suppressed, "chunk '" + key + "' does not decode: " + e.getMessage());
                    }
                }
            } while (next(idx, grid));
        }
        for (IndexEntry e : r.archive().entries()) {
            if (!accounted.contains(e.key()) && !isRootOrConsolidated(e.key())) {
                report(problems, suppressed, "member '" + e.key() + "' at offset " + e.offset()
                        + " is neither node metadata nor a chunk of any array");
            }
        }
        if (suppressed[0] > 0) {
            problems.add("... and " + suppressed[0] + " more problems");
        }
        return new Result(r.nodes().size(), chunks, missing, List.copyOf(problems));
    }

    private static void report(List<String> problems, int[] suppressed, String problem) {
        if (problems.size() < MAX_LISTED) {
            problems.add(problem);
        } else {
            suppressed[0]++;
        }
    }

    private static List<String> metadataKeys(String path, int zarrFormat) {
        String prefix = path.isEmpty() ? "" : path + "/";
        return zarrFormat == 3
                ? List.of(prefix + "zarr.json")
                : List.of(prefix + ".zgroup", prefix + ".zarray", prefix + ".zattrs");
    }

    private static boolean isRootOrConsolidated(String key) {
        for (RootDialect d : RootDialect.values()) {
            if (d.key().equals(key)) {
                return true;
            }
        }
        return key.equals(".zmetadata.cbor.xz") || key.equals(".zmetadata");
    }

    /** Advances a C-order multi-index over {@code grid}; false once every index was visited. */
    private static boolean next(long[] idx, long[] grid) {
        for (int d = idx.length - 1; d >= 0; d--) {
            if (++idx[d] < grid[d]) {
                return true;
            }
            idx[d] = 0;
        }
        return false;
    }
}
