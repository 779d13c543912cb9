package dev.itar.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.itar.archive.AtomicFiles;
import dev.itar.archive.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local-directory archive store on real file systems. */
class LocalArchiveStoreTest {
    @TempDir
    Path tmp;

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static long filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void publishRenamesAFileOnTheSameFileSystemIntoACreatedDirectory() throws Exception {
        Path state = Files.createDirectories(tmp.resolve("state"));
        Path file = Files.write(state.resolve("body"), bytes(5000, 1));
        Object inode = Files.readAttributes(file, "unix:ino").get("ino");
        Path dir = tmp.resolve("archives/nested");
        try (ArchiveStore store = ArchiveStores.open(dir.toString(), S3Settings.defaults())) {
            store.publish(file, "a.ncore4.zarr.itar");
            Path target = dir.resolve("a.ncore4.zarr.itar");
            assertThat(store.uriOf("a.ncore4.zarr.itar")).isEqualTo(target.toString());
            assertThat(file).doesNotExist();
            assertThat(Files.readAllBytes(target)).isEqualTo(bytes(5000, 1));
            assertThat(Files.readAttributes(target, "unix:ino").get("ino")).isEqualTo(inode); // renamed, not copied
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r--r--");
            // again with the same name and bytes: the same file
            store.publish(Files.write(state.resolve("body"), bytes(5000, 1)), "a.ncore4.zarr.itar");
            assertThat(Files.readAllBytes(target)).isEqualTo(bytes(5000, 1));
            assertThat(filesIn(dir)).isEqualTo(1);
        }
    }

    @Test
    void publishAcrossFileSystemsCopiesBesideTheTargetThenRenames() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && !Files.getFileStore(shm).equals(Files.getFileStore(tmp)),
                "needs a second file system (/dev/shm)");
        Path file = Files.createTempFile(shm, "itar-publish-", ".body");
        try {
            Files.write(file, bytes(3_000_000, 2));
            try (ArchiveStore store = ArchiveStores.open(tmp.toString(), S3Settings.defaults())) {
                store.publish(file, "b.itar");
            }
            assertThat(file).doesNotExist();
            assertThat(Files.readAllBytes(tmp.resolve("b.itar"))).isEqualTo(bytes(3_000_000, 2));
            assertThat(filesIn(tmp)).isEqualTo(1); // no temp file left
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aStreamAppearsOnlyOnCommitAndCloseWithoutCommitLeavesNothing() throws Exception {
        try (ArchiveStore store = ArchiveStores.open(tmp.toString(), S3Settings.defaults())) {
            try (ArchiveOutput out = store.create("c.itar")) {
                out.write(bytes(100_000, 3));
                assertThat(tmp.resolve("c.itar")).doesNotExist();
                try (Stream<Path> s = Files.list(tmp)) {
                    assertThat(s.map(p -> p.getFileName().toString())).singleElement()
                            .matches(n -> AtomicFiles.isTempFileOf(n, "c.itar"));
                }
                out.commit();
            }
            assertThat(Files.readAllBytes(tmp.resolve("c.itar"))).isEqualTo(bytes(100_000, 3));
            try (ArchiveOutput out = store.create("d.itar")) {
                out.write(bytes(10, 4));
            }
            assertThat(tmp.resolve("d.itar")).doesNotExist();
            assertThat(filesIn(tmp)).isEqualTo(1);
            assertThat(store.size("c.itar")).contains(100_000L);
            assertThat(store.size("d.itar")).isEmpty();
            store.put("c.json", "{}".getBytes());
            try (ByteSource s = store.open("c.json")) {
                assertThat(s.read(0, 2)).isEqualTo("{}".getBytes());
            }
        }
    }

    @Test
    void removeAbandonedDeletesOnlyTempFilesOlderThanTheCutOff() throws Exception {
        Path old = AtomicFiles.createTemp(tmp.resolve("e.itar"));
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(3600)));
        Path fresh = AtomicFiles.createTemp(tmp.resolve("f.itar"));
        Path archive = Files.write(tmp.resolve("g.itar"), new byte[1]);
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().minusSeconds(3600)));
        try (ArchiveStore store = ArchiveStores.open(tmp.toString(), S3Settings.defaults())) {
            assertThat(store.removeAbandoned(Instant.now().minusSeconds(60))).containsExactly(old.toString());
        }
        assertThat(old).doesNotExist();
        assertThat(fresh).exists();
        assertThat(archive).exists();
    }

    @Test
    void removeAbandonedOfNamesDeletesOnlyTheirTempFiles() throws Exception {
        Path mine = AtomicFiles.createTemp(tmp.resolve("a.itar"));
        Path longerName = AtomicFiles.createTemp(tmp.resolve("a.itar.x"));
        Path other = AtomicFiles.createTemp(tmp.resolve("b.itar"));
        for (Path p : List.of(mine, longerName, other)) {
            Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(3600)));
        }
        try (ArchiveStore store = ArchiveStores.open(tmp.toString(), S3Settings.defaults())) {
            assertThat(store.removeAbandoned(List.of("a.itar"), Instant.now().minusSeconds(7200))).isEmpty();
            assertThat(store.removeAbandoned(List.of("a.itar"), Instant.now())).containsExactly(mine.toString());
        }
        assertThat(mine).doesNotExist();
        assertThat(longerName).exists();
        assertThat(other).exists();
    }

    @Test
    void namesArePlainFileNames() throws Exception {
        try (ArchiveStore store = ArchiveStores.open(tmp.toString(), S3Settings.defaults())) {
            for (String bad : new String[] {"", "a/b", "..", ".hidden", "nul\0"}) {
                assertThatThrownBy(() -> store.put(bad, new byte[0])).isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void aMissingFileIsNotFound() throws Exception {
        try (ArchiveStore store = ArchiveStores.open(tmp.toString(), S3Settings.defaults())) {
            assertThatThrownBy(() -> store.open("none.itar")).isInstanceOfSatisfying(StorageException.class, e -> {
                assertThat(e.reason()).isEqualTo(StorageException.Reason.NOT_FOUND);
                assertThat(e.getMessage()).startsWith(tmp.resolve("none.itar") + ": cannot open: no such object");
            });
        }
    }

    @Test
    void aFullDeviceIsNoSpaceAndRetryLater() throws Exception {
        Path full = Path.of("/dev/full"); // every write fails with ENOSPC
        assumeTrue(Files.isWritable(full), "needs /dev/full");
        IOException failure = null;
        try (FileChannel ch = FileChannel.open(full, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[4096]));
        } catch (IOException e) {
            failure = e;
        }
        assertThat(failure).isNotNull();
        StorageException e = LocalFailures.of("/archives/x.itar", "cannot write", failure);
        assertThat(e.reason()).isEqualTo(StorageException.Reason.NO_SPACE);
        assertThat(e.retryLater()).isTrue();
        assertThat(e.getMessage()).startsWith("/archives/x.itar: cannot write: no space left");
    }
}
