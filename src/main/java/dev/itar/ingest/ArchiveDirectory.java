package dev.itar.ingest;

import dev.itar.archive.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where sealed archives and their sequence meta files are published: a local directory. An archive finished in
 * the state directory is renamed into it (a copy only when the two are on different file systems), so
 * publishing costs no second write of the data.
 */
final class ArchiveDirectory {
    private final Path dir;

    ArchiveDirectory(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path resolve(String name) {
        return dir.resolve(name);
    }

    /** Makes the finished archive {@code file} visible as {@code name}; {@code file} is gone afterwards. */
    void publish(Path file, String name) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.moveOrCopyIntoPlace(file, dir.resolve(name));
    }

    /** Writes a small file (the sequence meta JSON) atomically. */
    void write(String name, byte[] content) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(name), content);
    }

    /** Whether {@code name} is there with exactly {@code bytes} bytes. */
    boolean holds(String name, long bytes) throws IOException {
        Path p = dir.resolve(name);
        return Files.isRegularFile(p) && Files.size(p) == bytes;
    }
}
