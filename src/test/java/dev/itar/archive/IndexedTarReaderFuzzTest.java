package dev.itar.archive;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.itar.zarr.ConsolidatedRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whatever bytes a file holds, opening it with {@link IndexedTarReader}, reading every member it lists and
 * verifying it with {@link ArchiveVerifier} may only fail with {@link ArchiveFormatException} or
 * {@link IOException} — never another exception, a hang or an out-of-memory (a lying size must not become an
 * allocation). A normal test run replays the seed corpus in
 * {@code src/test/resources/dev/itar/archive/IndexedTarReaderFuzzTestInputs/readAnyFile} (small valid archives of
 * every root dialect, crafted damaged ones, and any crash input found so far); fuzz for real with
 * {@code JAZZER_FUZZ=1}. Seeds are written by {@link IndexedTarReaderFuzzSeeds}.
 */
class IndexedTarReaderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void readAnyFile(byte[] content) throws IOException {
        Path file = Files.createTempFile("itar-fuzz-", ".zarr.itar");
        try {
            Files.write(file, content);
            readEverything(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The seed corpus is there and holds valid archives (else the regression run would prove little). */
    @org.junit.jupiter.api.Test
    void seedCorpusHoldsValidAndDamagedArchives() throws Exception {
        Path dir = Path.of(IndexedTarReaderFuzzTest.class.getResource("IndexedTarReaderFuzzTestInputs/readAnyFile")
                .toURI());
        int valid = 0;
        int damaged = 0;
        try (var files = Files.list(dir)) {
            for (Path seed : files.sorted().toList()) {
                readEverything(seed);
                if (ArchiveVerifier.containerProblems(seed).isEmpty()) {
                    valid++;
                } else {
                    damaged++;
                }
            }
        }
        org.assertj.core.api.Assertions.assertThat(valid).as("valid seeds").isGreaterThanOrEqualTo(3);
        org.assertj.core.api.Assertions.assertThat(damaged).as("damaged seeds").isGreaterThanOrEqualTo(5);
    }

    /** Open, get every entry (and the decoded root), verify; only the two checked exceptions may escape. */
    static void readEverything(Path file) {
        try (IndexedTarReader reader = IndexedTarReader.open(file)) {
            if (reader.fileSize() != Files.size(file)) {
                throw new AssertionError("reader size " + reader.fileSize() + " != file size " + Files.size(file));
            }
            for (IndexEntry e : reader.entries()) {
                try {
                    byte[] payload = reader.get(e.key()).orElseThrow(
                            () -> new AssertionError("listed entry '" + e.key() + "' cannot be read"));
                    if (payload.length != e.size()) {
                        throw new AssertionError("entry '" + e.key() + "' lists " + e.size() + " bytes, read "
                                + payload.length);
                    }
                } catch (IOException expected) {
                    // a failed read is reported per key; keep reading the others
                }
            }
            ConsolidatedRoot.get(reader, "zarr.json");
            ConsolidatedRoot.legacyJson(reader);
        } catch (ArchiveFormatException expected) {
            // rejected with a reason naming the file
            if (expected.getMessage() == null || expected.getMessage().isEmpty()) {
                throw new AssertionError("format error without a message", expected);
            }
        } catch (IOException expected) {
            // also acceptable
        }
        try {
            ArchiveVerifier.Report report = ArchiveVerifier.verify(file);
            if (report.problems() == null) {
                throw new AssertionError("verifier returned no problem list");
            }
        } catch (IOException expected) {
            // the verifier reports unreadable files this way
        }
    }
}
