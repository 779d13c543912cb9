package dev.itar.storage;

import dev.itar.archive.ByteSource;
import dev.itar.archive.FileByteSource;
import dev.itar.archive.IndexedTarReader;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Opens what a location names: {@code s3://bucket/prefix} (S3 or a compatible store, reached as
 * {@link S3Settings} say) or a local directory / file path.
 */
public final class ArchiveStores {
    private ArchiveStores() {}

    /**
     * The store at {@code location}: {@code s3://bucket[/prefix]} or a directory. Opening does no I/O (a missing
     * bucket shows at the first request; a directory is created when first written to).
     *
     * @throws StorageException the location or a setting is invalid (kind CONFIGURATION)
     */
    public static ArchiveStore open(String location, S3Settings settings) throws StorageException {
        if (S3Uri.isS3(location)) {
            S3Uri prefix = parse(location);
            return new S3ArchiveStore(S3Clients.create(settings, location), prefix, settings);
        }
        return new LocalArchiveStore(localPath(location));
    }

    /**
     * One archive for reading: {@code s3://bucket/key} (one ranged GET of its tail now, byte ranges later) or a
     * file. Close it when done.
     */
    public static ByteSource source(String location, S3Settings settings) throws StorageException {
        if (S3Uri.isS3(location)) {
            S3Uri uri = parse(location);
            if (uri.key().isEmpty()) {
                throw new StorageException(location, StorageException.Reason.BAD_SETTING,
                        "names a bucket, not an object (expected s3://bucket/key)", null);
            }
            return S3ByteSource.open(S3Clients.create(settings, location), true, uri, IndexedTarReader.DEFAULT_TAIL_BYTES);
        }
        Path file = localPath(location);
        try {
            return FileByteSource.open(file);
        } catch (IOException e) {
            throw LocalFailures.of(location, "cannot open", e);
        }
    }

    private static S3Uri parse(String location) throws StorageException {
        try {
            return S3Uri.parse(location);
        } catch (IllegalArgumentException e) {
            throw new StorageException(location, StorageException.Reason.BAD_SETTING, e.getMessage(), e);
        }
    }

    private static Path localPath(String location) throws StorageException {
        try {
            return Path.of(location);
        } catch (InvalidPathException e) {
            throw new StorageException(location, StorageException.Reason.BAD_SETTING,
                    "not a file system path: " + e.getReason(), e);
        }
    }
}
