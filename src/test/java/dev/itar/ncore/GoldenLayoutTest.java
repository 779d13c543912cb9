package dev.itar.ncore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.itar.Fixtures;
import dev.itar.archive.ArchiveVerifier;
import dev.itar.zarr.ArchiveSummary;
import dev.itar.zarr.PyJson;
import dev.itar.zarr.RootDialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layout proof: rebuild ncore's own reference sequence (drive-a, written by ncore main) from its content,
 * seal it with {@link SequenceSealer} as zarr v3, and require exactly the summary ncore's archive has:
 * the same node paths, attributes, shapes, dtypes and array digests. Only {@code zarr_format} (2 there, 3 here)
 * and the file name differ.
 */
class GoldenLayoutTest {
    @TempDir
    Path dir;

    @Test
    void sealedDriveAHasExactlyNcoresSummary() throws Exception {
        NcoreFixtures.Sequence seq = NcoreFixtures.read(Fixtures.DRIVE_A);
        SealResult result = new SequenceSealer().seal(seq.request(dir, "drive-a", RootDialect.PR68));

        Map<String, Object> expected = PyJson.parseObject(Files.readAllBytes(Fixtures.DRIVE_A_SUMMARY));
        // round-trip our summary through its JSON so number kinds compare as the fixture's parsed JSON does
        Map<String, Object> actual = PyJson.parseObject(ArchiveSummary.toJson(ArchiveSummary.of(result.archive())));

        assertThat(actual.get("zarr_format")).isEqualTo(3);
        assertThat(expected.get("zarr_format")).isEqualTo(2);
        assertThat(actual.get("nodes")).isEqualTo(expected.get("nodes"));
        assertSameNodes(actual, expected);
        assertThat(ArchiveVerifier.containerProblems(result.archive())).isEmpty();
        assertThat(result.intervalStart()).isEqualTo(1600000010000000L);
        assertThat(result.intervalStop()).isEqualTo(1600000010400001L);
    }

    /**
     * The same proof for the components wire format 1.1 adds: drive-m, written by ncore's own writer with camera
     * masks, cuboid tracks and component generic meta data, rebuilt from what {@link SequenceReader} reads and
     * sealed again has exactly ncore's summary — mask arrays, mask names, observations in ncore's order, every
     * instance's meta data, the float32 static pose.
     */
    @Test
    void sealedDriveMWithMasksAndCuboidsHasExactlyNcoresSummary() throws Exception {
        NcoreFixtures.Sequence seq = NcoreFixtures.read(Fixtures.DRIVE_M);
        assertThat(seq.masks()).hasSize(1);
        assertThat(seq.cuboids()).hasSize(4);
        SealResult result = new SequenceSealer().seal(seq.request(dir, "drive-m", RootDialect.PR68));
        Map<String, Object> expected = PyJson.parseObject(Files.readAllBytes(Fixtures.DRIVE_M_SUMMARY));
        Map<String, Object> actual = PyJson.parseObject(ArchiveSummary.toJson(ArchiveSummary.of(result.archive())));
        assertSameNodes(actual, expected);
        assertThat(ArchiveVerifier.containerProblems(result.archive())).isEmpty();
    }

    /** The same node paths, and per node the same kind, attributes, shape, dtype and content digest. */
    @SuppressWarnings("unchecked")
    private static void assertSameNodes(Map<String, Object> actual, Map<String, Object> expected) {
        Map<String, Object> actualNodes = (Map<String, Object>) actual.get("summary");
        Map<String, Object> expectedNodes = (Map<String, Object>) expected.get("summary");
        assertThat(actualNodes.keySet()).containsExactlyElementsOf(expectedNodes.keySet());
        for (String path : expectedNodes.keySet()) {
            assertThat(actualNodes.get(path)).as("node '%s'", path).isEqualTo(expectedNodes.get(path));
        }
    }
}
