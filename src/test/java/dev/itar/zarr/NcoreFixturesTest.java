package dev.itar.zarr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.itar.Fixtures;
import dev.itar.archive.ArchiveVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The reference archives written by ncore's own code: summary, and migration to v3. */
class NcoreFixturesTest {
    static final Path FIXTURES = Fixtures.NCORE_V2;

    @TempDir
    Path tmp;

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> s = Files.walk(FIXTURES)) { // split sequences' stores sit in a folder of their own
            List<String> names = s.map(p -> FIXTURES.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> n.endsWith(".zarr.itar")).sorted().toList();
            assertThat(names).isNotEmpty();
            return names.stream();
        }
    }

    static Object manifest(String archiveName) throws IOException {
        String base = archiveName.substring(0, archiveName.length() - ".itar".length());
        return PyJson.parse(Files.readAllBytes(FIXTURES.resolve(base + ".summary.json")));
    }

    /** Both sides through the same parser, so number kinds (int vs float) compare exactly. */
    static Object asJsonTree(Map<String, Object> summary) throws IOException {
        return PyJson.parse(ArchiveSummary.toJson(summary));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void summaryMatchesManifest(String name) throws IOException {
        Map<String, Object> actual = ArchiveSummary.of(FIXTURES.resolve(name));
        assertThat(asJsonTree(actual)).isEqualTo(manifest(name));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    @SuppressWarnings("unchecked")
    void migratedArchiveHasSameSummaryAndValidContainer(String name) throws IOException {
        Path dst = tmp.resolve(name);
        Files.createDirectories(dst.getParent());
        long[] last = {0, 0};
        Migration.migrate(FIXTURES.resolve(name), dst, RootDialect.PR68, false, (d, t) -> {
            last[0] = d;
            last[1] = t;
        });
        assertThat(ArchiveVerifier.containerProblems(dst)).isEmpty();

        Map<String, Object> expected = new LinkedHashMap<>((Map<String, Object>) manifest(name));
        expected.put("zarr_format", 3);
        Map<String, Object> actual = (Map<String, Object>) asJsonTree(ArchiveSummary.of(dst));
        // nodes count and file name are the only fields allowed to differ besides the format
        assertThat(actual.get("nodes")).isEqualTo(expected.get("nodes"));
        expected.remove("nodes");
        actual.remove("nodes");
        assertThat(actual).isEqualTo(expected);
        assertThat(last[0]).isEqualTo(last[1]).isEqualTo(((Number) ((Map<?, ?>) manifest(name)).get("nodes")).longValue());

        try (ZarrArchiveReader r = ZarrArchiveReader.open(dst)) {
            assertThat(r.zarrFormat()).isEqualTo(3);
            assertThat(r.rootDialect()).contains(RootDialect.PR68);
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void migrationIsDeterministic(String name) throws IOException {
        Path a = tmp.resolve("a").resolve(name);
        Path b = tmp.resolve("b").resolve(name);
        Files.createDirectories(a.getParent());
        Files.createDirectories(b.getParent());
        Migration.migrate(FIXTURES.resolve(name), a, RootDialect.NCORE20_ZLIB, false, null);
        Migration.migrate(FIXTURES.resolve(name), b, RootDialect.NCORE20_ZLIB, false, null);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    }
}
