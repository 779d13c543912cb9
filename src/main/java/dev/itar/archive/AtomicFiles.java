package dev.itar.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that appear whole or not at all: written under a hidden temp name beside the target
 * ({@code .<name>.<digits>.partial}), forced to disk, made world-readable, atomically renamed onto the target,
 * and the rename made durable by forcing the directory. A reader never sees a partial file, and a crash leaves
 * at most a temp file that {@link #isTempFileOf} recognises.
 */
public final class AtomicFiles {
    private static final String TEMP_SUFFIX = ".partial";

    private AtomicFiles() {
    }

    /** Writes {@code content} to {@code target} atomically. */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, content, true);
    }

    /**
     * Replaces {@code target} with {@code content} as {@link #write} does, but without forcing anything to disk:
     * other processes, and this one after it crashed, see the old content or the new, never a mix. After a power
     * loss or a kernel crash the file may hold the old content, or be empty or damaged; it is for state that a
     * reader then rebuilds from elsewhere, written so often that waiting for the device each time would hold up
     * its writer.
     */
    public static void replace(Path target, byte[] content) throws IOException {
        write(target, content, false);
    }

    private static void write(Path target, byte[] content, boolean force) throws IOException {
        Path temp = createTemp(target);
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                if (force) {
                    ch.force(true);
                }
            }
            rename(temp, target);
            if (force) {
                forceDirectory(target.toAbsolutePath().getParent());
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * A new, empty, world-readable temp file beside {@code target}, named {@code .<target name>.<digits>.partial},
     * for content that {@link #moveIntoPlace} later renames onto the target.
     */
    public static Path createTemp(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", TEMP_SUFFIX);
        makeWorldReadable(temp);
        return temp;
    }

    /**
     * Whether {@code fileName} is a temp file {@link #createTemp} made for a target named {@code targetName}, or
     * the member index an {@link IndexedTarWriter} keeps beside such a temp file. The digits must follow the
     * target name directly, so the temp file of a target whose name extends this one never matches.
     */
    public static boolean isTempFileOf(String fileName, String targetName) {
        String prefix = "." + targetName + ".";
        String name = fileName.endsWith(IndexedTarWriter.INDEX_SUFFIX)
                ? fileName.substring(0, fileName.length() - IndexedTarWriter.INDEX_SUFFIX.length()) : fileName;
        if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) {
            return false;
        }
        String digits = name.substring(prefix.length(), name.length() - TEMP_SUFFIX.length());
        return !digits.isEmpty() && digits.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /**
     * Renames {@code source} (complete and forced to disk) onto {@code target} atomically, replacing it, and forces
     * the directory so the rename survives a crash.
     *
     * @throws IOException also when the file system cannot rename atomically (e.g. across file systems)
     */
    public static void moveIntoPlace(Path source, Path target) throws IOException {
        rename(source, target);
        forceDirectory(target.toAbsolutePath().getParent());
    }

    private static void rename(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot atomically rename " + source + " onto " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Moves the complete file {@code source} onto {@code target} atomically: a rename where both are on one file
     * system, else a copy to a temp file beside the target (forced to disk, then renamed onto it) and the source
     * deleted. Either way the target appears whole or not at all.
     *
     * @return true if it was a rename (constant time), false if the bytes were copied
     */
    public static boolean moveOrCopyIntoPlace(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory(target.toAbsolutePath().getParent());
            return true;
        } catch (AtomicMoveNotSupportedException e) {
            Path temp = createTemp(target);
            try {
                try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                     FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    long size = in.size();
                    long done = 0;
                    while (done < size) {
                        done += in.transferTo(done, size - done, out);
                    }
                    out.force(true);
                }
                moveIntoPlace(temp, target);
            } finally {
                Files.deleteIfExists(temp);
            }
            Files.delete(source);
            return false;
        }
    }

    /** Writes what the page cache holds of {@code file}'s data to the device now (fdatasync). */
    public static void forceData(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(false);
        }
    }

    /** Makes renames and creations in {@code dir} durable, where the platform lets a directory be opened. */
    public static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform allows opening a directory; the rename itself has happened
        }
    }

    /** Temp files are created owner-only; what they become is meant to be read by others (rw-r--r--). */
    public static void makeWorldReadable(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the platform default
        }
    }
}
