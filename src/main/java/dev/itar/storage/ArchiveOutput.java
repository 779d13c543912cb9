package dev.itar.storage;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Bytes on their way to becoming one stored object, which appears, whole, only on {@link #commit()}. Closing
 * without a successful commit discards everything written (a partial object is never visible), so
 * try-with-resources around a write that throws leaves the store as it was.
 */
public abstract class ArchiveOutput extends OutputStream {
    /**
     * Makes the object appear under its name with exactly the bytes written, replacing any object of that name.
     * On failure nothing was published and this output is discarded.
     *
     * @throws StorageException the store failed; {@link StorageException#kind()} says whether to retry
     */
    public abstract void commit() throws StorageException;

    /** Bytes written so far. */
    public abstract long written();

    /** Where the object will be: its path or URI. */
    public abstract String location();

    /** Discards what was written unless committed; safe to call more than once. */
    @Override
    public abstract void close();
}
