package dev.itar.zarr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.itar.archive.ArchiveVerifier;
import dev.itar.archive.DuplicateKeyException;
import dev.itar.archive.IndexEntry;
import dev.itar.archive.IndexedTarReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The one zarr write path: node metadata written once, as declared; the root consolidated and compressed. */
class ZarrArchiveWriterTest {
    @TempDir
    Path dir;

    Path writeSample(Path target, RootDialect dialect) throws Exception {
        try (ZarrArchiveWriter w = ZarrArchiveWriter.create(target, dialect)) {
            w.createGroup("b", Map.of());
            w.createArray("b/x", ArrayMetadata.of(new long[] {2}, new long[] {2}, DataType.FLOAT32, Double.NaN,
                    List.of(Codec.bytesFor(DataType.FLOAT32)), Map.of("unit", "m")))
                    .writeChunk(new long[] {0}, new byte[8]);
            w.createGroup("a", Map.of("k", List.of(1, 2.5)));
            w.createGroup("", Map.of("sequence_id", "s1"));
        }
        return target;
    }

    @Test
    void rootDialectCliNames() {
        assertThat(RootDialect.fromCliName("ncore20-zlib")).isEqualTo(RootDialect.NCORE20_ZLIB);
        assertThat(RootDialect.PR68.key()).isEqualTo("zarr.cbor.xz");
        assertThatThrownBy(() -> RootDialect.fromCliName("zip")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("zip").hasMessageContaining("pr68");
    }

    @Test
    void eachNodeIsWrittenOnceAsDeclaredAndTheRootLast() throws Exception {
        Path file = writeSample(dir.resolve("s.zarr.itar"), RootDialect.PR68);
        try (IndexedTarReader r = IndexedTarReader.open(file)) {
            assertThat(r.entries()).extracting(IndexEntry::key)
                    .containsExactly("b/zarr.json", "b/x/zarr.json", "b/x/c/0", "a/zarr.json", "zarr.cbor.xz");
            assertThat(r.get("b/x/zarr.json").orElseThrow()).isEqualTo(ArrayMetadata.of(new long[] {2},
                    new long[] {2}, DataType.FLOAT32, Double.NaN, List.of(Codec.bytesFor(DataType.FLOAT32)),
                    Map.of("unit", "m")).toJson());
        }
        assertThat(ArchiveVerifier.verify(file).problems()).isEmpty();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file); // no spool or member index left
        }
    }

    @Test
    void consolidatedRootIsLaidOutAsZarrPython31() throws Exception {
        Path file = writeSample(dir.resolve("s.zarr.itar"), RootDialect.PR68);
        try (IndexedTarReader r = IndexedTarReader.open(file)) {
            JsonNode root = new ObjectMapper().readTree(ConsolidatedRoot.get(r, "zarr.json").orElseThrow());
            List<String> fields = new ArrayList<>();
            root.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("attributes", "zarr_format", "consolidated_metadata", "node_type");
            assertThat(root.get("attributes").get("sequence_id").asText()).isEqualTo("s1");
            JsonNode cm = root.get("consolidated_metadata");
            assertThat(cm.get("kind").asText()).isEqualTo("inline");
            assertThat(cm.get("must_understand").asBoolean(true)).isFalse();
            List<String> paths = new ArrayList<>();
            cm.get("metadata").fieldNames().forEachRemaining(paths::add);
            assertThat(paths).containsExactly("b", "b/x", "a"); // flat, full paths, in the order written
            JsonNode group = cm.get("metadata").get("a");
            assertThat(group.get("consolidated_metadata").get("metadata").size()).isZero();
            assertThat(group.get("attributes").get("k").get(1).isDouble()).isTrue();
            assertThat(cm.get("metadata").get("b/x").has("consolidated_metadata")).isFalse();
            assertThat(cm.get("metadata").get("b/x").get("fill_value").asText()).isEqualTo("NaN");
        }
    }

    @ParameterizedTest
    @EnumSource(RootDialect.class)
    void everyDialectStoresTheSameRoot(RootDialect dialect) throws Exception {
        Path pr68 = writeSample(dir.resolve("pr68.itar"), RootDialect.PR68);
        Path file = writeSample(dir.resolve(dialect.cliName() + ".itar"), dialect);
        try (IndexedTarReader r = IndexedTarReader.open(file); IndexedTarReader ref = IndexedTarReader.open(pr68)) {
            assertThat(ConsolidatedRoot.dialect(r)).contains(dialect);
            assertThat(ConsolidatedRoot.get(r, "zarr.json").orElseThrow()).isEqualTo(ConsolidatedRoot.get(ref, "zarr.json").orElseThrow());
            byte[] stored = r.get(dialect.key()).orElseThrow();
            // the stored form: XZ magic, or a zlib header at maximum compression
            if (dialect == RootDialect.NCORE20_ZLIB) {
                assertThat(Arrays.copyOf(stored, 2)).containsExactly(0x78, 0xda);
            } else {
                assertThat(Arrays.copyOf(stored, 6)).containsExactly(0xfd, '7', 'z', 'X', 'Z', 0);
            }
        }
        assertThat(ArchiveVerifier.containerProblems(file)).isEmpty();
        assertThat(Files.readAllBytes(writeSample(dir.resolve("again.itar"), dialect)))
                .isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void aNodeDeclaredTwiceIsRefusedAndAbortLeavesNothing() throws Exception {
        Path file = dir.resolve("dup.zarr.itar");
        ZarrArchiveWriter w = ZarrArchiveWriter.create(file, RootDialect.PR68);
        w.createGroup("a", Map.of());
        assertThatThrownBy(() -> w.createGroup("a", Map.of())).isInstanceOf(DuplicateKeyException.class)
                .hasMessageContaining("a/zarr.json");
        assertThatThrownBy(() -> w.createGroup("../x", Map.of())).hasMessageContaining("bad node path '../x'");
        w.abort();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aLargeHierarchySpillsItsConsolidatedEntriesAndStillReadsBack() throws Exception {
        Path file = dir.resolve("big.zarr.itar");
        int groups = 60_000; // more consolidated CBOR than the spool keeps in memory
        try (ZarrArchiveWriter w = ZarrArchiveWriter.create(file, RootDialect.NCORE20_XZ)) {
            w.createGroup("g", Map.of());
            for (int i = 0; i < groups; i++) {
                w.createGroup("g/" + i, Map.of("index", i, "name", "group number " + i + " of many"));
            }
        }
        try (ZarrArchiveReader r = ZarrArchiveReader.open(file)) {
            assertThat(r.nodes()).hasSize(groups + 2);
            assertThat(r.nodes().get("g/59999").attributes()).containsEntry("index", 59999);
        }
    }
}
