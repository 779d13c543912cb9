package dev.itar.cli;

import dev.itar.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every archive command, given something that is not an archive, answers with one line that names the file and
 * the problem, and a non-zero exit: no stack trace.
 */
class NotAnArchiveTest {
    @TempDir
    static Path tmp;

    /** The kinds of not-an-archive, each made once. */
    static Path input(String kind) throws IOException {
        Path dir = tmp.resolve("inputs");
        Files.createDirectories(dir);
        switch (kind) {
            case "json file":
                return Files.writeString(dir.resolve("summary.json"), Files.readString(Fixtures.DRIVE_A_SUMMARY));
            case "json named as an archive":
                return Files.writeString(dir.resolve("data.ncore4.zarr.itar"), "{\"version\": \"v4\"}\n");
            case "directory":
                return Files.createDirectories(dir.resolve("a-directory.zarr.itar"));
            case "truncated archive":
                byte[] whole = Files.readAllBytes(Fixtures.DRIVE_A);
                return Files.write(dir.resolve("truncated.ncore4.zarr.itar"), Arrays.copyOf(whole, 5000));
            case "missing path":
                return dir.resolve("no-such.ncore4.zarr.itar");
            case "zip archive":
                Path zip = dir.resolve("other-format.zarr.itar");
                try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
                    z.putNextEntry(new ZipEntry("zarr.json"));
                    z.write("{}".getBytes(StandardCharsets.UTF_8));
                    z.closeEntry();
                }
                return zip;
            case "empty file":
                return Files.write(dir.resolve("empty.zarr.itar"), new byte[0]);
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String command : List.of("inspect", "verify", "cat", "publish", "migrate")) {
            for (String kind : List.of("json file", "json named as an archive", "directory", "truncated archive",
                    "missing path", "zip archive", "empty file")) {
                out.add(Arguments.of(command, kind));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} of a {1}")
    @MethodSource("cases")
    void oneLineNamingTheFileAndANonZeroExit(String command, String kind) throws Exception {
        Path file = input(kind);
        String[] args = switch (command) {
            case "cat" -> new String[] {"cat", file.toString(), "zarr.json"};
            case "publish" -> new String[] {"publish", file.toString(), "--bootstrap-servers", "127.0.0.1:9"};
            case "migrate" -> new String[] {"migrate", file.toString(), tmp.resolve("out-" + kind.replace(' ', '-')
                    + ".zarr.itar").toString()};
            default -> new String[] {command, file.toString()};
        };
        ArchiveCommandsTest.Run r = ArchiveCommandsTest.run(args);
        assertThat(r.exit()).as("exit of %s: %s", command, r.err()).isNotZero();
        String err = r.err().strip();
        assertThat(err).as("stderr of %s", command).isNotEmpty().doesNotContain("\n").contains(file.toString())
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(err).as("names the problem").matches(".*" + java.util.regex.Pattern.quote(file.toString())
                + "[^ ]*: .{8,}");
    }
}
