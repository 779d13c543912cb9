package dev.itar.storage;

import dev.itar.archive.ByteSource;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where sealed archives and their sequence meta go: a local directory, or {@code s3://bucket/prefix} in S3 or a
 * compatible store ({@link ArchiveStores#open}). Objects are addressed by a plain file name, unique within the
 * store. Every write is atomic — an object is absent or complete, never partial — and idempotent: writing the
 * same name with the same bytes again gives the same object. Safe for use by several threads.
 *
 * <p>Failures are {@link StorageException}s saying whether to retry later or fix the configuration; the data
 * being stored is never lost by a failure (a local file to publish stays where it was).
 */
public interface ArchiveStore extends Closeable {
    /** The store as configured: a directory path or {@code s3://bucket/prefix}. */
    String location();

    /** Where object {@code name} is (or will be): a file path, or an {@code s3://} URI; for events and logs. */
    String uriOf(String name);

    /**
     * Moves a finished local file into the store as {@code name}; on success the file is gone from
     * {@code localFile}. A local directory on the same file system renames it (cheap, whatever its size); on
     * another file system it copies to a temp file beside the target, forces it and renames it; S3 uploads it
     * (multipart for large files, parts read straight from the file) and then deletes the local file.
     *
     * @param localFile a complete file, not written to any more (its content is forced to disk first)
     */
    void publish(Path localFile, String name) throws StorageException;

    /** Streams a new object {@code name}: it appears only on {@link ArchiveOutput#commit()}. */
    ArchiveOutput create(String name) throws StorageException;

    /** Writes a small object (the sequence meta JSON) atomically. */
    void put(String name, byte[] content) throws StorageException;

    /**
     * The size of object {@code name}, or empty when there is none: whether an earlier publish completed (after
     * a crash between publishing and recording that it was published, say). S3 answers a missing bucket like a
     * missing object here; the next write reports the bucket.
     */
    Optional<Long> size(String name) throws StorageException;

    /** Opens object {@code name} for reading by position; close it when done. */
    ByteSource open(String name) throws StorageException;

    /**
     * Removes what writers that died left behind: temp files in a directory, or multipart uploads under the
     * prefix, begun before {@code startedBefore} (pass a moment before which no live writer can have begun one,
     * so a slow writer elsewhere is never cut off). Returns what was removed, one line each.
     */
    List<String> removeAbandoned(Instant startedBefore) throws StorageException;

    /**
     * {@link #removeAbandoned(Instant)} limited to the writes of the objects {@code names}: what the one writer
     * of those objects, taking over from one that died, clears before writing them again.
     */
    List<String> removeAbandoned(Collection<String> names, Instant startedBefore) throws StorageException;

    /** Releases the connection pool and threads of an S3 store; nothing for a directory. */
    @Override
    void close();
}
