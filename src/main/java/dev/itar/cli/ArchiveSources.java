package dev.itar.cli;

import dev.itar.archive.ByteSource;
import dev.itar.ingest.IngestConfig;
import dev.itar.storage.ArchiveStores;
import dev.itar.storage.S3Settings;
import dev.itar.storage.StorageException;

/**
 * The archive a command's FILE argument names: a local file, or {@code s3://bucket/key} reached with the same
 * {@code ITAR_S3_*} variables as {@code run} (then the AWS SDK's default chains).
 */
final class ArchiveSources {
    private ArchiveSources() {}

    static ByteSource open(String location) throws StorageException {
        S3Settings settings;
        try {
            settings = S3Settings.from(key -> System.getenv(IngestConfig.envName(key)));
        } catch (IllegalArgumentException e) {
            throw new StorageException(location, StorageException.Reason.BAD_SETTING,
                    "invalid ITAR_S3_* variable: " + e.getMessage(), e);
        }
        return ArchiveStores.source(location, settings);
    }
}
