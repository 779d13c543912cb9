package dev.itar.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IndexedTarWriterTest {
    @TempDir
    Path dir;

    static final String LONG_KEY = "cameras/camera_front_wide/" + "very_long_component_name_".repeat(6) + "/frames/c/0";
    static final byte[] ROOT = json("{\"attributes\":{\"sequence_id\":\"s1\"},\"zarr_format\":3,\"node_type\":\"group\"}");
    static final byte[] GROUP = json("{\"attributes\":{},\"zarr_format\":3,\"node_type\":\"group\"}");
    static final byte[] ARRAY = json("{\"shape\":[2],\"data_type\":\"float32\",\"fill_value\":\"NaN\","
            + "\"zarr_format\":3,\"node_type\":\"array\",\"attributes\":{\"unit\":\"m\"}}");

    static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A small zarr-like hierarchy; same calls → same bytes. */
    Path writeSample(Path target, RootDialect dialect) throws IOException {
        try (IndexedTarWriter w = new IndexedTarWriter(target, dialect)) {
            w.put("zarr.json", json("{\"zarr_format\":3,\"node_type\":\"group\",\"attributes\":{\"v\":0}}"));
            w.put("b/zarr.json", GROUP);
            w.put("b/x/zarr.json", ARRAY);
            w.put("a/zarr.json", GROUP);
            w.put("b/x/c/0", new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            w.put(LONG_KEY, new byte[1000]);
            w.put("b/x/c/1", 3, new ByteArrayInputStream(new byte[] {9, 9, 9}));
            w.put("zarr.json", ROOT); // metadata may be rewritten; the last value wins
        }
        return target;
    }

    @Test
    void roundTripsDataAndServesTheConsolidatedRoot() throws Exception {
        Path file = writeSample(dir.resolve("s.zarr.itar"), RootDialect.PR68);
        try (IndexedTarReader r = IndexedTarReader.open(file)) {
            assertThat(r.get("b/x/c/0")).contains(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            assertThat(r.get("b/x/c/1")).contains(new byte[] {9, 9, 9});
            assertThat(r.get(LONG_KEY)).contains(new byte[1000]);
            assertThat(r.getRange("b/x/c/0", 2, 3)).containsExactly(3, 4, 5);
            assertThat(r.get("missing")).isEmpty();
            assertThat(r.get("b/zarr.json")).contains(GROUP);
            assertThat(r.contains("zarr.json")).isFalse();
            assertThat(r.rootDialect()).contains(RootDialect.PR68);
            // data first in put order, then the root, then metadata top-down by (number of '/', key)
            assertThat(r.entries()).extracting(IndexEntry::key).containsExactly(
                    "b/x/c/0", LONG_KEY, "b/x/c/1", "zarr.cbor.xz", "a/zarr.json", "b/zarr.json", "b/x/zarr.json");
            assertThat(r.entries()).allSatisfy(e -> assertThat(e.offset() % 512).isZero());
        }
        assertThat(ArchiveVerifier.verify(file).problems()).isEmpty();
        assertThat(ArchiveVerifier.verify(file).info()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(RootDialect.class)
    void digestsComputedWhileWritingEqualTheFinishedFilesDigests(RootDialect dialect) throws Exception {
        Path target = dir.resolve("d.zarr.itar");
        IndexedTarWriter w = new IndexedTarWriter(target, dialect, true);
        w.put("zarr.json", ROOT);
        w.put("b/zarr.json", GROUP);
        w.put("b/x/c/0", new byte[3 << 20]); // larger than the write buffer
        w.put(LONG_KEY, 5, new ByteArrayInputStream(new byte[] {1, 2, 3, 4, 5}));
        assertThatThrownBy(w::digests).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only after a successful close").hasMessageContaining("open");
        w.close();
        assertThat(w.digests()).isEqualTo(FileDigests.of(target));
        assertThat(w.digests().sha256()).hasSize(64);
        assertThat(w.digests().md5()).hasSize(32);
    }

    @Test
    void abortedWriterHasNoDigests() throws Exception {
        IndexedTarWriter w = new IndexedTarWriter(dir.resolve("a.zarr.itar"), RootDialect.PR68, true);
        w.put("b/x/c/0", new byte[] {1});
        w.abort();
        assertThatThrownBy(w::digests).isInstanceOf(IllegalStateException.class).hasMessageContaining("aborted");
    }

    @Test
    void writerCreatedWithoutDigestsRefusesToGiveThem() throws Exception {
        IndexedTarWriter w = new IndexedTarWriter(dir.resolve("n.zarr.itar"));
        w.put("b/x/c/0", new byte[] {1});
        w.close();
        assertThatThrownBy(w::digests).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("created without digests");
    }

    @Test
    void consolidatedRootIsLaidOutAsZarrPython31() throws Exception {
        Path file = writeSample(dir.resolve("s.zarr.itar"), RootDialect.PR68);
        try (IndexedTarReader r = IndexedTarReader.open(file)) {
            JsonNode root = new ObjectMapper().readTree(r.get("zarr.json").orElseThrow());
            List<String> fields = new ArrayList<>();
            root.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("attributes", "zarr_format", "consolidated_metadata", "node_type");
            assertThat(root.get("attributes").get("sequence_id").asText()).isEqualTo("s1");
            JsonNode cm = root.get("consolidated_metadata");
            assertThat(cm.get("kind").asText()).isEqualTo("inline");
            assertThat(cm.get("must_understand").asBoolean(true)).isFalse();
            List<String> paths = new ArrayList<>();
            cm.get("metadata").fieldNames().forEachRemaining(paths::add);
            assertThat(paths).containsExactly("a", "b", "b/x"); // flat, full paths, top-down
            JsonNode group = cm.get("metadata").get("a");
            assertThat(group.get("consolidated_metadata").get("metadata").size()).isZero();
            assertThat(cm.get("metadata").get("b/x").has("consolidated_metadata")).isFalse();
            assertThat(cm.get("metadata").get("b/x").get("fill_value").asText()).isEqualTo("NaN");
        }
    }

    @ParameterizedTest
    @EnumSource(RootDialect.class)
    void everyDialectRoundTripsThroughZarrJson(RootDialect dialect) throws Exception {
        Path pr68 = writeSample(dir.resolve("pr68.itar"), RootDialect.PR68);
        Path file = writeSample(dir.resolve(dialect.cliName() + ".itar"), dialect);
        try (IndexedTarReader r = IndexedTarReader.open(file); IndexedTarReader ref = IndexedTarReader.open(pr68)) {
            assertThat(r.rootDialect()).contains(dialect);
            assertThat(r.contains(dialect.key())).isTrue();
            assertThat(r.get("zarr.json").orElseThrow()).isEqualTo(ref.get("zarr.json").orElseThrow());
            byte[] stored = r.get(dialect.key()).orElseThrow();
            // the stored form: XZ magic, or a zlib header at maximum compression
            if (dialect == RootDialect.NCORE20_ZLIB) {
                assertThat(Arrays.copyOf(stored, 2)).containsExactly(0x78, 0xda);
            } else {
                assertThat(Arrays.copyOf(stored, 6)).containsExactly(0xfd, '7', 'z', 'X', 'Z', 0);
            }
        }
        assertThat(ArchiveVerifier.containerProblems(file)).isEmpty();
    }

    @Test
    void rootDialectCliNames() {
        assertThat(RootDialect.fromCliName("ncore20-zlib")).isEqualTo(RootDialect.NCORE20_ZLIB);
        assertThat(RootDialect.PR68.key()).isEqualTo("zarr.cbor.xz");
        assertThatThrownBy(() -> RootDialect.fromCliName("zip")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("zip").hasMessageContaining("pr68");
    }

    @Test
    void sameContentGivesIdenticalBytes() throws Exception {
        byte[] first = Files.readAllBytes(writeSample(dir.resolve("one.itar"), RootDialect.NCORE20_XZ));
        byte[] second = Files.readAllBytes(writeSample(dir.resolve("two.itar"), RootDialect.NCORE20_XZ));
        assertThat(second).isEqualTo(first);
    }

    @Test
    void writesExactlyTwoEndBlocksThenTheIndexAndHeader() throws Exception {
        Path file = writeSample(dir.resolve("s.itar"), RootDialect.PR68);
        byte[] bytes = Files.readAllBytes(file);
        try (IndexedTarReader r = IndexedTarReader.open(file)) {
            IndexEntry last = r.entries().get(r.entries().size() - 1);
            long recordsEnd = (last.end() + 511) / 512 * 512;
            assertThat(r.indexOffset()).isEqualTo(recordsEnd + 1024);
            assertThat(Arrays.copyOfRange(bytes, (int) recordsEnd, (int) recordsEnd + 1024)).containsOnly(0);
            assertThat(bytes.length).isEqualTo(r.indexOffset() + (r.indexSize() + 511) / 512 * 512 + 512);
            ByteBuffer h = ByteBuffer.wrap(bytes, bytes.length - 512, 20).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(new String(bytes, bytes.length - 512, 4, StandardCharsets.US_ASCII)).isEqualTo("itar");
            h.position(bytes.length - 508);
            assertThat(h.getInt()).isEqualTo(1);
            assertThat(h.getLong()).isEqualTo(r.indexOffset());
            assertThat(Integer.toUnsignedLong(h.getInt())).isEqualTo(r.indexSize());
        }
    }

    @Test
    void tarListsExactlyTheMembers() throws Exception {
        Path file = writeSample(dir.resolve("s.itar"), RootDialect.PR68);
        Process p;
        try {
            p = new ProcessBuilder("tar", "-tvf", file.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("tar is not installed: " + e.getMessage());
            return;
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(p.exitValue()).isZero();
        try (IndexedTarReader r = IndexedTarReader.open(file)) {
            assertThat(lines).hasSize(r.entries().size());
            for (int i = 0; i < lines.size(); i++) {
                IndexEntry e = r.entries().get(i);
                assertThat(lines.get(i)).startsWith("-rw-r--r-- 0/0").contains(" " + e.size() + " ")
                        .contains("1970-01-01").endsWith(" " + e.key());
            }
        }
    }

    @Test
    void settingADataKeyTwiceIsRejectedNamingTheKey() throws Exception {
        Path target = dir.resolve("dup.itar");
        try (IndexedTarWriter w = new IndexedTarWriter(target)) {
            w.put("a/c/0", new byte[] {1});
            assertThatThrownBy(() -> w.put("a/c/0", new byte[] {2}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a/c/0'");
            assertThatThrownBy(() -> w.put("zarr.cbor.xz", new byte[] {2}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        }
        try (IndexedTarReader r = IndexedTarReader.open(target)) {
            assertThat(r.get("a/c/0")).contains(new byte[] {1});
        }
    }

    @Test
    void abortLeavesNothingAndKeepsAnExistingTarget() throws Exception {
        Path target = dir.resolve("a.itar");
        IndexedTarWriter w = new IndexedTarWriter(target);
        w.put("x", new byte[10]);
        w.abort();
        w.close(); // no-op after abort
        assertThat(target).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }

        Files.writeString(target, "previous");
        IndexedTarWriter w2 = new IndexedTarWriter(target);
        w2.put("x", new byte[10]);
        w2.abort();
        assertThat(Files.readString(target)).isEqualTo("previous");
    }

    @Test
    void failedCloseLeavesNoFile() throws Exception {
        Path target = dir.resolve("bad.itar");
        IndexedTarWriter w = new IndexedTarWriter(target);
        w.put("zarr.json", json("[1, 2]")); // root metadata must be an object
        assertThatThrownBy(w::close).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zarr.json");
        assertThat(target).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aShortStreamFailsTheWriterAndCloseLeavesNoFile() throws Exception {
        Path target = dir.resolve("short.itar");
        IndexedTarWriter w = new IndexedTarWriter(target);
        assertThatThrownBy(() -> w.put("a/c/0", 10, new ByteArrayInputStream(new byte[4])))
                .isInstanceOf(IOException.class).hasMessageContaining("a/c/0").hasMessageContaining("4 of 10");
        assertThatThrownBy(w::close).isInstanceOf(IOException.class).hasMessageContaining(target.toString());
        assertThat(target).doesNotExist();
    }

    @Test
    void emptyArchiveIsValid() throws Exception {
        Path target = dir.resolve("empty.itar");
        new IndexedTarWriter(target).close();
        try (IndexedTarReader r = IndexedTarReader.open(target)) {
            assertThat(r.entries()).isEmpty();
            assertThat(r.fileSize()).isEqualTo(1024 + 512 + 512);
        }
        assertThat(ArchiveVerifier.containerProblems(target)).isEmpty();
    }

    @Test
    void hundredThousandKeysWriteVerifyAndLoad() throws Exception {
        Path target = dir.resolve("many.itar");
        try (IndexedTarWriter w = new IndexedTarWriter(target)) {
            for (int i = 0; i < 100_000; i++) {
                w.put("lidars/top/frames/" + i + "/c/0", new byte[] {(byte) i});
            }
            assertThat(w.payloadBytes()).isEqualTo(100_000);
        }
        try (IndexedTarReader r = IndexedTarReader.open(target)) {
            assertThat(r.entries()).hasSize(100_000);
            assertThat(r.get("lidars/top/frames/99999/c/0")).contains(new byte[] {(byte) 99999});
            assertThat(r.get("lidars/top/frames/7/c/0")).contains(new byte[] {7});
        }
        assertThat(ArchiveVerifier.containerProblems(target)).isEmpty();
    }

    @Test
    void readerIsSafeToShareBetweenThreads() throws Exception {
        Path target = dir.resolve("threads.itar");
        try (IndexedTarWriter w = new IndexedTarWriter(target)) {
            for (int i = 0; i < 200; i++) {
                byte[] b = new byte[3000];
                Arrays.fill(b, (byte) i);
                w.put("k" + i, b);
            }
        }
        try (IndexedTarReader r = IndexedTarReader.open(target, 4096)) {
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 0; i < 200; i++) {
                            byte[] b = r.get("k" + i).orElseThrow();
                            if (b.length != 3000 || b[0] != (byte) i || b[2999] != (byte) i) {
                                throw new AssertionError("wrong bytes for k" + i);
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join(60_000);
            }
            assertThat(errors).isEmpty();
        }
    }
}
