package dev.itar.storage;

import dev.itar.archive.AtomicFiles;
import dev.itar.archive.ByteSource;
import dev.itar.archive.FileByteSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Archives in a local (or shared POSIX) directory, made to appear atomically by {@link AtomicFiles}: temp file
 * beside the target, fsync, rename, directory fsync. The directory is created when first written to.
 */
final class LocalArchiveStore implements ArchiveStore {
    /** {@code .<target>.<digits>.partial...}: the target's name is what isTempFileOf then confirms. */
    private static final Pattern TEMP_NAME = Pattern.compile("\\.(.+)\\.[0-9]+\\.partial");

    private final Path dir;

    LocalArchiveStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize(); // locations in sealed events and logs hold anywhere
    }

    @Override
    public String location() {
        return dir.toString();
    }

    @Override
    public String uriOf(String name) {
        return dir.resolve(ObjectNames.check(name)).toString();
    }

    private Path target(String name) throws StorageException {
        Path target = dir.resolve(ObjectNames.check(name));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw LocalFailures.of(dir.toString(), "cannot create the archive directory", e);
        }
        return target;
    }

    @Override
    public void publish(Path localFile, String name) throws StorageException {
        Path target = target(name);
        try {
            try (FileChannel ch = FileChannel.open(localFile, StandardOpenOption.READ)) {
                ch.force(true);
            }
            AtomicFiles.makeWorldReadable(localFile);
            try {
                AtomicFiles.moveIntoPlace(localFile, target);
                return;
            } catch (IOException e) {
                if (!(e.getCause() instanceof AtomicMoveNotSupportedException)) {
                    throw e;
                }
                // another file system: copy beside the target first, so the target still appears in one step
            }
            Path temp = AtomicFiles.createTemp(target);
            try {
                try (FileChannel in = FileChannel.open(localFile, StandardOpenOption.READ);
                     FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    long size = in.size();
                    long done = 0;
                    while (done < size) {
                        done += in.transferTo(done, size - done, out);
                    }
                    out.force(true);
                }
                AtomicFiles.moveIntoPlace(temp, target);
            } finally {
                Files.deleteIfExists(temp);
            }
            Files.delete(localFile);
        } catch (IOException e) {
            throw LocalFailures.of(target.toString(), "cannot publish " + localFile, e);
        }
    }

    @Override
    public ArchiveOutput create(String name) throws StorageException {
        Path target = target(name);
        try {
            return new LocalFileOutput(target);
        } catch (IOException e) {
            throw LocalFailures.of(target.toString(), "cannot start writing", e);
        }
    }

    @Override
    public void put(String name, byte[] content) throws StorageException {
        Path target = target(name);
        try {
            AtomicFiles.write(target, content);
        } catch (IOException e) {
            throw LocalFailures.of(target.toString(), "cannot write " + content.length + " bytes", e);
        }
    }

    @Override
    public Optional<Long> size(String name) throws StorageException {
        Path file = dir.resolve(ObjectNames.check(name));
        try {
            return Optional.of(Files.size(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw LocalFailures.of(file.toString(), "cannot read the size", e);
        }
    }

    @Override
    public ByteSource open(String name) throws StorageException {
        Path file = dir.resolve(ObjectNames.check(name));
        try {
            return FileByteSource.open(file);
        } catch (IOException e) {
            throw LocalFailures.of(file.toString(), "cannot open", e);
        }
    }

    @Override
    public List<String> removeAbandoned(Instant startedBefore) throws StorageException {
        return removeTempFiles(LocalArchiveStore::isTempFile, startedBefore);
    }

    @Override
    public List<String> removeAbandoned(Collection<String> names, Instant startedBefore) throws StorageException {
        names.forEach(ObjectNames::check);
        return removeTempFiles(f -> names.stream().anyMatch(n -> AtomicFiles.isTempFileOf(f, n)), startedBefore);
    }

    /** Deletes the temp files whose name passes {@code temps}, last written before the cut-off. */
    private List<String> removeTempFiles(Predicate<String> temps, Instant startedBefore) throws StorageException {
        List<String> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return removed;
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*")) {
            for (Path f : files) {
                if (temps.test(f.getFileName().toString())) {
                    found.add(f);
                }
            }
        } catch (IOException e) {
            throw LocalFailures.of(dir.toString(), "cannot list temp files", e);
        }
        found.sort(null);
        for (Path f : found) {
            try {
                // a live writer keeps writing its temp file: one not written since the cut-off is abandoned
                if (Files.getLastModifiedTime(f).toInstant().isBefore(startedBefore) && Files.deleteIfExists(f)) {
                    removed.add(f.toString());
                }
            } catch (NoSuchFileException e) {
                // finished or removed meanwhile
            } catch (IOException e) {
                throw LocalFailures.of(f.toString(), "cannot remove an abandoned temp file", e);
            }
        }
        return removed;
    }

    /** Whether {@code fileName} is a temp file {@link AtomicFiles} made for some target in this directory. */
    private static boolean isTempFile(String fileName) {
        Matcher m = TEMP_NAME.matcher(fileName);
        return m.lookingAt() && AtomicFiles.isTempFileOf(fileName, m.group(1));
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public String toString() {
        return "LocalArchiveStore[" + dir + "]";
    }
}
