package dev.itar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Packages depend downward only (docs/design.md): the container knows nothing of the zarr metadata stored in
 * it, and zarr nothing of ncore or Kafka. Checked on the sources, so a fully qualified name counts as much as an
 * import.
 */
class PackageDependenciesTest {
    private static final Path SOURCES = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
            .resolve("src/main/java/dev/itar");

    /** Package → what its sources must not name. */
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "archive", List.of("dev.itar.zarr", "dev.itar.ncore", "dev.itar.storage", "org.apache.kafka",
                    "software.amazon", "\"zarr.json\""),
            "zarr", List.of("dev.itar.ncore", "dev.itar.ingest", "org.apache.kafka"));

    @Test
    void archiveAndZarrNameNothingAboveThem() throws IOException {
        List<String> offences = new ArrayList<>();
        for (Map.Entry<String, List<String>> rule : FORBIDDEN.entrySet()) {
            Path dir = SOURCES.resolve(rule.getKey());
            assertThat(dir).as("package directory").isDirectory();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    offences.addAll(offences(SOURCES.relativize(f).toString(),
                            Files.readString(f, StandardCharsets.UTF_8), rule.getValue()));
                }
            }
        }
        assertThat(offences).as("references from a package to one above it").isEmpty();
    }

    @Test
    void anImportAQualifiedNameOrTheRootKeyIsFound() {
        String source = "package dev.itar.archive;\nimport dev.itar.zarr.RootDialect;\n"
                + "class A { Object o = dev.itar.zarr.ConsolidatedRoot.ROOT_KEY; String k = \"zarr.json\"; }\n";
        assertThat(offences("archive/A.java", source, FORBIDDEN.get("archive"))).containsExactly(
                "archive/A.java:2 names dev.itar.zarr", "archive/A.java:3 names dev.itar.zarr",
                "archive/A.java:3 names \"zarr.json\"");
        assertThat(offences("archive/B.java", "package dev.itar.archive;\nclass B {}\n", FORBIDDEN.get("archive")))
                .isEmpty();
    }

    private static List<String> offences(String file, String source, List<String> forbidden) {
        List<String> found = new ArrayList<>();
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            for (String name : forbidden) {
                if (lines[i].contains(name)) {
                    found.add(file + ":" + (i + 1) + " names " + name);
                }
            }
        }
        return found;
    }
}
