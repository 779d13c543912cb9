package dev.itar.archive;

import java.io.Closeable;
import java.io.IOException;

/**
 * The bytes an archive is read from, by position: a local file, or an object in a store read by byte ranges.
 * Readers need only this, so the same reader serves both. Implementations are safe for use by several threads.
 */
public interface ByteSource extends Closeable {
    /** What the bytes are, as a person would name them in a message: a file path or an {@code s3://} URI. */
    String name();

    /** Length in bytes. */
    long size() throws IOException;

    /**
     * Exactly {@code length} bytes starting at {@code offset}.
     *
     * @throws java.io.EOFException the source ends before {@code offset + length} (the message names the source)
     */
    byte[] read(long offset, int length) throws IOException;
}
