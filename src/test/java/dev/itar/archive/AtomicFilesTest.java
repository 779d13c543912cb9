package dev.itar.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writeReplacesTheTargetAndLeavesNoTempFile() throws Exception {
        Path target = dir.resolve("a.json");
        AtomicFiles.write(target, new byte[] {1});
        AtomicFiles.write(target, new byte[] {2, 3});
        assertThat(Files.readAllBytes(target)).containsExactly(2, 3);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void replaceSwapsTheContentWholeAndLeavesNoTempFileEvenWhenItFails() throws Exception {
        Path target = dir.resolve("MANIFEST");
        AtomicFiles.replace(target, new byte[] {1});
        AtomicFiles.replace(target, new byte[] {2, 3});
        assertThat(Files.readAllBytes(target)).containsExactly(2, 3);
        Path occupied = dir.resolve("sub");
        Files.createDirectories(occupied.resolve("child")); // a non-empty directory cannot be replaced by a file
        assertThatThrownBy(() -> AtomicFiles.replace(occupied, new byte[] {4})).hasMessageContaining("sub");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactlyInAnyOrder(target, occupied);
        }
    }

    @Test
    void forcingDataLeavesTheFileAsItIsAndNamesAMissingOne() throws Exception {
        Path body = dir.resolve("body.itar");
        Files.write(body, new byte[] {1, 2, 3});
        AtomicFiles.forceData(body);
        assertThat(Files.readAllBytes(body)).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> AtomicFiles.forceData(dir.resolve("gone.itar")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class).hasMessageContaining("gone.itar");
    }

    @Test
    void tempFilesAreRecognisedExactly() throws Exception {
        Path temp = AtomicFiles.createTemp(dir.resolve("a.ncore4.zarr.itar"));
        String name = temp.getFileName().toString();
        assertThat(AtomicFiles.isTempFileOf(name, "a.ncore4.zarr.itar")).isTrue();
        assertThat(AtomicFiles.isTempFileOf(name + IndexedTarWriter.INDEX_SUFFIX, "a.ncore4.zarr.itar")).isTrue();
        assertThat(AtomicFiles.isTempFileOf(name, "a")).isFalse();
        assertThat(AtomicFiles.isTempFileOf(".a.ncore4.zarr.itar.x.123.partial", "a.ncore4.zarr.itar")).isFalse();
        assertThat(AtomicFiles.isTempFileOf(".a.json..partial", "a.json")).isFalse();
        assertThat(AtomicFiles.isTempFileOf("a.json", "a.json")).isFalse();
    }
}
