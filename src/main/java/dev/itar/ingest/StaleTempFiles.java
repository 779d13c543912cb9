package dev.itar.ingest;

import dev.itar.archive.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds and deletes the temp files a crash while sealing leaves beside an archive. Archives and sequence meta
 * files appear by {@link AtomicFiles}: written as a hidden temp file in the archive directory and renamed onto
 * the file name; a process killed in between leaves the temp file behind forever, since its random part is never
 * reused. {@link AtomicFiles#isTempFileOf} recognises them exactly, so a temp file of another recording whose id
 * extends this one (id {@code a.ncore4.zarr.itar.x} next to id {@code a}) never matches.
 */
final class StaleTempFiles {
    private StaleTempFiles() {
    }

    /**
     * Deletes the temp files of {@code fileNames} in {@code dir} last modified before {@code cutoffMillis}
     * (epoch ms). Returns the deleted files, sorted by name.
     *
     * <p>The cutoff keeps this safe against a zombie: an instance that lost the task but does not know it yet may
     * still be sealing the same recording. Its temp file is being written now, so it is newer than the moment the
     * current owner took the task over (pass that moment): only files left by an earlier owner are deleted.
     */
    static List<Path> delete(Path dir, List<String> fileNames, long cutoffMillis) throws IOException {
        List<Path> stale = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return stale;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (fileNames.stream().anyMatch(n -> AtomicFiles.isTempFileOf(name, n))) {
                    stale.add(f);
                }
            }
        }
        stale.sort(null);
        List<Path> deleted = new ArrayList<>();
        for (Path f : stale) {
            try {
                if (Files.getLastModifiedTime(f).toMillis() < cutoffMillis && Files.deleteIfExists(f)) {
                    deleted.add(f);
                }
            } catch (NoSuchFileException e) {
                // gone meanwhile: nothing to delete
            }
        }
        return deleted;
    }
}
