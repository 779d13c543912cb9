package dev.itar.ingest;

import dev.itar.storage.ArchiveStore;
import dev.itar.storage.ArchiveStores;
import dev.itar.storage.StorageException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/** The archive store a test configuration names, opened as the application opens it. */
final class TestArchiveStores {
    private TestArchiveStores() {
    }

    static ArchiveStore of(IngestConfig config) {
        try {
            return ArchiveStores.open(config.archiveLocation(), config.storageSettings());
        } catch (StorageException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ArchiveStore directory(Path dir) {
        return of(IngestConfig.of(Map.of(IngestConfig.ARCHIVE_DIR, dir.toString())));
    }
}
