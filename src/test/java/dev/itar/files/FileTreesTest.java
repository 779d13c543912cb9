package dev.itar.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

    @Test
    void deletesANestedTree(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("a/b/c"));
        Files.writeString(root.resolve("a/b/c/file"), "x");
        Files.writeString(root.resolve("top"), "y");

        FileTrees.deleteRecursively(root);

        assertThat(root).doesNotExist();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aMissingPathIsNothingToDo(@TempDir Path dir) throws IOException {
        FileTrees.deleteRecursively(dir.resolve("missing"));
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void deletesALinkButNotWhatItPointsTo(@TempDir Path dir) throws IOException {
        Path kept = Files.createDirectories(dir.resolve("kept"));
        Files.writeString(kept.resolve("precious"), "z");
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createSymbolicLink(root.resolve("link"), kept);

        FileTrees.deleteRecursively(root);

        assertThat(root).doesNotExist();
        assertThat(kept.resolve("precious")).hasContent("z");
    }

    @Test
    void aPlainFileIsDeletedToo(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        FileTrees.deleteRecursively(file);
        assertThat(file).doesNotExist();
    }
}
