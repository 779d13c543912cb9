package dev.itar.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Archives written by ncore's own Python code (zarr format 2) must read and verify. */
class FixtureReadTest {
    @ParameterizedTest
    @MethodSource("dev.itar.Fixtures#zarrV2Archives")
    void listsTheTarMembers(Path fixture) throws Exception {
        try (IndexedTarReader r = IndexedTarReader.open(fixture)) {
            List<IndexEntry> tarMembers = ArchiveVerifier.verify(fixture).members();
            assertThat(r.entries()).containsExactlyElementsOf(tarMembers);
            assertThat(r.contains(".zgroup")).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.itar.Fixtures#zarrV2Archives")
    void everyEntryReadsTheSameThroughTailBufferAndPositionalReads(Path fixture) throws Exception {
        byte[] file = Files.readAllBytes(fixture);
        try (IndexedTarReader big = IndexedTarReader.open(fixture);
                IndexedTarReader tiny = IndexedTarReader.open(fixture, 512)) {
            // 512 bytes hold only the header block: the index needs the second read
            assertThat(tiny.indexOffset()).isLessThan(tiny.fileSize() - 512);
            assertThat(tiny.entries()).isEqualTo(big.entries());
            for (IndexEntry e : big.entries()) {
                byte[] expected = java.util.Arrays.copyOfRange(file, (int) e.offset(), (int) e.end());
                assertThat(big.get(e.key())).as(e.key()).contains(expected);
                assertThat(tiny.get(e.key())).as(e.key()).contains(expected);
                if (e.size() > 2) {
                    assertThat(tiny.getRange(e.key(), 1, (int) e.size() - 2))
                            .isEqualTo(java.util.Arrays.copyOfRange(expected, 1, expected.length - 1));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.itar.Fixtures#zarrV2Archives")
    void verifierAcceptsNcoreFilesAndReportsTheZeroGap(Path fixture) throws Exception {
        ArchiveVerifier.Report report = ArchiveVerifier.verify(fixture);
        assertThat(report.problems()).isEmpty();
        assertThat(report.info()).anySatisfy(i -> assertThat(i).contains("zero bytes after the tar end-of-archive blocks"));
        assertThat(ArchiveVerifier.containerProblems(fixture)).isEmpty();
    }
}
