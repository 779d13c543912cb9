package dev.itar.zarr;

import java.io.IOException;
import java.io.InputStream;

/**
 * Nodes whose {@code zarr.json} members are already in an archive — written as their data arrived, by {@link
 * ZarrArchiveWriter#writeNode}, before the archive's {@link ZarrArchiveWriter} was opened — declared to it by their
 * consolidated entries (the bytes {@code writeNode} returned, concatenated in writing order), so that finishing the
 * archive renders nothing of them again.
 *
 * @param count   how many nodes
 * @param bytes   total length of their consolidated entries
 * @param entries opens the concatenated entries (read once, while the root is written)
 */
public record WrittenNodes(long count, long bytes, Entries entries) {
    /** No nodes written before. */
    public static final WrittenNodes NONE = new WrittenNodes(0, 0, InputStream::nullInputStream);

    /** The concatenated consolidated entries, opened when the root is written. */
    @FunctionalInterface
    public interface Entries {
        InputStream open() throws IOException;
    }

    public WrittenNodes {
        if (count < 0 || bytes < 0 || (count == 0) != (bytes == 0)) {
            throw new IllegalArgumentException("written nodes: " + count + " nodes with " + bytes
                    + " bytes of consolidated entries");
        }
    }
}
