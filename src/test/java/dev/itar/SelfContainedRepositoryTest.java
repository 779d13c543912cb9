package dev.itar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A clone of the repository alone must build, test and document itself: no tracked file may point at a path
 * outside the repository (a sibling checkout, a directory only some machines have).
 */
class SelfContainedRepositoryTest {
    /** A relative path that starts by climbing: {@code ../x}, {@code ../../docs/a.md}. */
    private static final Pattern CLIMBING_PATH = Pattern.compile("(?<![\\w./-])((?:\\.\\./)+[\\w.-]+(?:/[\\w.-]+)*)");
    /** Maven's base directory property followed by a climb out of it. */
    private static final Pattern BASEDIR_CLIMB = Pattern.compile("\\$\\{(?:project\\.)?basedir}/\\.\\.");
    /** Absolute paths of the machines the project was developed on. */
    private static final Pattern MACHINE_PATH = Pattern.compile("(?<![\\w.])/wo" + "rk/");

    @Test
    void noTrackedFileRefersToAPathOutsideTheRepository() throws Exception {
        Path root = repositoryRoot();
        List<String> offences = new ArrayList<>();
        for (String name : trackedFiles(root)) {
            Path file = root.resolve(name);
            if (!Files.isRegularFile(file)) {
                continue; // deleted in the work tree but not yet in the index
            }
            byte[] bytes = Files.readAllBytes(file);
            if (isBinary(bytes)) {
                continue;
            }
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String where = name + ":" + (i + 1) + ": " + lines[i].strip();
                Matcher climb = CLIMBING_PATH.matcher(lines[i]);
                while (climb.find()) {
                    Path target = file.getParent().resolve(climb.group(1)).normalize();
                    if (!target.startsWith(root)) {
                        offences.add(where);
                    }
                }
                if (BASEDIR_CLIMB.matcher(lines[i]).find() || MACHINE_PATH.matcher(lines[i]).find()) {
                    offences.add(where);
                }
            }
        }
        assertThat(offences).as("tracked files that refer to paths outside the repository").isEmpty();
    }

    @Test
    void theRuleCatchesWhatItIsFor() {
        // spelled in pieces, so this file does not contain what it looks for
        String sibling = "../" + "sibling";
        assertThat(CLIMBING_PATH.matcher("see [spec](" + sibling + "/docs/wire-format.md)").find()).isTrue();
        assertThat(BASEDIR_CLIMB.matcher("<p>$" + "{project.basedir}/" + sibling + "/fixtures</p>").find()).isTrue();
        assertThat(MACHINE_PATH.matcher("Path.of(\"/wo" + "rk/sibling/fixtures\")").find()).isTrue();
        // a path inside a path is not a climb of its own
        assertThat(CLIMBING_PATH.matcher("tmp.resolve(\"x/../rebuilt\")").find()).isFalse();
    }

    private static Path repositoryRoot() throws IOException, InterruptedException {
        Process git = new ProcessBuilder("git", "rev-parse", "--show-toplevel").redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        boolean exited = git.waitFor(30, TimeUnit.SECONDS);
        assumeThat(exited && git.exitValue() == 0).as("a git work tree with git on the PATH (got: " + out + ")")
                .isTrue();
        return Path.of(out).toRealPath();
    }

    private static List<String> trackedFiles(Path root) throws IOException, InterruptedException {
        Process git = new ProcessBuilder("git", "ls-files", "-z").directory(root.toFile()).start();
        byte[] out = git.getInputStream().readAllBytes();
        assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(git.exitValue()).as("git ls-files exit code").isZero();
        List<String> names = new ArrayList<>();
        for (String n : new String(out, StandardCharsets.UTF_8).split("\0")) {
            if (!n.isEmpty()) {
                names.add(n);
            }
        }
        assertThat(names).as("tracked files").contains("pom.xml", "README.md");
        return names;
    }

    private static boolean isBinary(byte[] bytes) {
        for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }
}
