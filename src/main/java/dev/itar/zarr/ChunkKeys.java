package dev.itar.zarr;

/**
 * Chunk keys, relative to the array's node path.
 *
 * <p>v3 default encoding ({@code {"name": "default", "configuration": {"separator": "/"}}}): {@code c/0/0},
 * {@code c} for a 0-d array. v2 encoding: indices joined by the separator ({@code 0.0} or {@code 0/0}),
 * {@code 0} for a 0-d array.
 */
public final class ChunkKeys {
    private ChunkKeys() {}

    /** v3 default encoding with separator "/". */
    public static String v3(long... chunkIndex) {
        return defaultEncoding('/', chunkIndex);
    }

    /** v3 default encoding with the given separator ('/' or '.'). */
    public static String defaultEncoding(char separator, long... chunkIndex) {
        StringBuilder sb = new StringBuilder("c");
        for (long i : chunkIndex) {
            sb.append(separator).append(i);
        }
        return sb.toString();
    }

    /** v2 encoding: {@code 0.0} (separator '.') or {@code 0/0} (separator '/'); {@code 0} for 0-d. */
    public static String v2(char separator, long... chunkIndex) {
        if (chunkIndex.length == 0) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < chunkIndex.length; i++) {
            if (i > 0) {
                sb.append(separator);
            }
            sb.append(chunkIndex[i]);
        }
        return sb.toString();
    }

    /** The store key of a chunk: node path + "/" + chunk key (no leading "/" for the root array). */
    public static String storeKey(String nodePath, String chunkKey) {
        return nodePath.isEmpty() ? chunkKey : nodePath + "/" + chunkKey;
    }
}
