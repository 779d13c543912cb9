package dev.itar.ncore;

import java.util.Arrays;
import java.util.Objects;

/**
 * One stored zarr chunk of a sequence archive.
 *
 * @param key   store key relative to the archive root, e.g. {@code cameras/cam0/frames/1600000010050000/image/c}
 * @param bytes the chunk exactly as stored, already encoded (compressed) at ingest time
 */
public record Chunk(String key, byte[] bytes) {
    public Chunk {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(bytes, "bytes");
        if (key.isEmpty() || key.startsWith("/") || key.endsWith("/")) {
            throw new IllegalArgumentException("bad chunk key \"" + key + "\"");
        }
    }

    // byte[] components: value equality instead of record identity semantics for arrays
    @Override
    public boolean equals(Object o) {
        return o instanceof Chunk c && c.key.equals(key) && Arrays.equals(c.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Chunk[" + key + ", " + bytes.length + " bytes]";
    }
}
