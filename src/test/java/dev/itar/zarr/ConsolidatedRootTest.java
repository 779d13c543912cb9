package dev.itar.zarr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.itar.archive.ArchiveFormatException;
import dev.itar.archive.Compression;
import dev.itar.archive.IndexEntry;
import dev.itar.archive.IndexedTarReader;
import dev.itar.archive.IndexedTarWriter;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The compressed root and the v2 consolidated metadata, read from the container's raw members. */
class ConsolidatedRootTest {
    @TempDir
    Path dir;

    private Path archiveWithRoot(byte[] stored) throws Exception {
        Path file = dir.resolve("root.itar");
        try (IndexedTarWriter w = IndexedTarWriter.create(file)) {
            w.put("zarr.cbor.xz", stored);
        }
        return file;
    }

    @Test
    void corruptCompressedRootIsReportedOnGetNamingTheKey() throws Exception {
        Path file = archiveWithRoot("garbage!".getBytes(StandardCharsets.UTF_8));
        try (IndexedTarReader r = IndexedTarReader.open(file)) {
            assertThat(ConsolidatedRoot.dialect(r)).contains(RootDialect.PR68);
            assertThatThrownBy(() -> ConsolidatedRoot.get(r, "zarr.json"))
                    .hasCauseInstanceOf(ArchiveFormatException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("'zarr.cbor.xz' at offset 512");
        }
    }

    @Test
    void pr68EnvelopeWithWrongFormatIsRejected() throws Exception {
        byte[] cbor = new CBORMapper().writeValueAsBytes(Map.of("zarr_consolidated_format", 2, "metadata", Map.of()));
        ByteArrayOutputStream xz = new ByteArrayOutputStream();
        try (OutputStream out = Compression.xzOutput(xz, cbor.length)) {
            out.write(cbor);
        }
        Path file = archiveWithRoot(xz.toByteArray());
        try (IndexedTarReader r = IndexedTarReader.open(file)) {
            assertThatThrownBy(() -> ConsolidatedRoot.get(r, "zarr.json"))
                    .hasMessageContaining("zarr_consolidated_format 2");
        }
    }

    /** Archives written by ncore's own Python code (zarr format 2). */
    @ParameterizedTest
    @MethodSource("dev.itar.Fixtures#zarrV2Archives")
    void decodesLegacyConsolidatedMetadata(Path fixture) throws Exception {
        try (IndexedTarReader r = IndexedTarReader.open(fixture)) {
            assertThat(ConsolidatedRoot.dialect(r)).isEmpty();
            assertThat(ConsolidatedRoot.get(r, "zarr.json")).isEmpty();

            JsonNode meta = new ObjectMapper().readTree(ConsolidatedRoot.legacyJson(r).orElseThrow());
            assertThat(meta.get(".zgroup").get("zarr_format").asInt()).isEqualTo(2);
            // every .zarray/.zgroup member is in the consolidated metadata
            for (IndexEntry e : r.entries()) {
                if (e.key().endsWith(".zarray") || e.key().endsWith(".zgroup")) {
                    assertThat(meta.has(e.key())).as(e.key()).isTrue();
                }
            }
        }
    }
}
