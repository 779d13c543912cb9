package dev.itar.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of damage is one ArchiveFormatException naming the file and the offending key or offset. */
class DamagedArchiveTest {
    @TempDir
    Path dir;

    /** Members a (payload at 512) and b (payload at 1536), 5 bytes each; end marker ends at 3072. */
    byte[] records;

    @BeforeEach
    void buildRecords() throws Exception {
        records = Crafted.tarRecords(List.of(Map.entry("a", bytes("hello")), Map.entry("b", bytes("world"))));
        assertThat(records.length).isEqualTo(3072);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    byte[] index(Object table) throws Exception {
        return Crafted.xz(Crafted.cbor(table));
    }

    byte[] valid() throws Exception {
        return Crafted.assemble(records, index(Crafted.table(List.of("a", "b"), List.of(512L, 1536L), List.of(5L, 5L))));
    }

    AbstractThrowableAssert<?, ? extends Throwable> assertOpenFails(byte[] content, String... mentions)
            throws Exception {
        Path file = Crafted.write(dir.resolve("damaged.itar"), content);
        var a = assertThatThrownBy(() -> IndexedTarReader.open(file).close())
                .isInstanceOf(ArchiveFormatException.class)
                .hasMessageContaining(file.toString());
        for (String m : mentions) {
            a.hasMessageContaining(m);
        }
        // the verifier reports the same damage as a problem instead of throwing
        assertThat(ArchiveVerifier.containerProblems(file)).isNotEmpty();
        return a;
    }

    AbstractThrowableAssert<?, ? extends Throwable> assertIndexFails(Object table, String... mentions)
            throws Exception {
        return assertOpenFails(Crafted.assemble(records, index(table)), mentions);
    }

    @Test
    void theCraftedBaselineIsValid() throws Exception {
        Path file = Crafted.write(dir.resolve("good.itar"), valid());
        try (IndexedTarReader r = IndexedTarReader.open(file)) {
            assertThat(r.get("b")).contains(bytes("world"));
        }
        assertThat(ArchiveVerifier.containerProblems(file)).isEmpty();
    }

    @Test
    void tooSmall() throws Exception {
        assertOpenFails(new byte[100], "100 bytes", "too small");
    }

    @Test
    void truncatedMidBlock() throws Exception {
        byte[] v = valid();
        int cut = v.length - 700;
        assertOpenFails(Arrays.copyOf(v, cut), "file size " + cut, "not a multiple of 512", "offset " + (cut - 512));
    }

    @Test
    void truncatedByWholeBlocksLosesTheHeader() throws Exception {
        byte[] v = valid();
        byte[] cut = Arrays.copyOf(v, v.length - 512);
        assertOpenFails(cut, "no itar index header at offset " + (cut.length - 512));
    }

    @Test
    void wrongMagic() throws Exception {
        byte[] v = valid();
        assertOpenFails(Crafted.withByte(v, v.length - 512, 'X'), "offset " + (v.length - 512), "magic");
    }

    @Test
    void unknownIndexType() throws Exception {
        byte[] idx = index(Crafted.table(List.of("a"), List.of(512L), List.of(5L)));
        assertOpenFails(Crafted.assemble(records, idx, 2, records.length, idx.length), "unknown index type 2",
                "offset");
    }

    @Test
    void indexOffsetOutsideTheFile() throws Exception {
        byte[] idx = index(Crafted.table(List.of("a"), List.of(512L), List.of(5L)));
        assertOpenFails(Crafted.assemble(records, idx, 1, 1_000_000_000L, idx.length), "index offset 1000000000");
        assertOpenFails(Crafted.assemble(records, idx, 1, 3000, idx.length), "index offset 3000"); // unaligned
    }

    @Test
    void indexSizeOutsideTheFile() throws Exception {
        byte[] idx = index(Crafted.table(List.of("a"), List.of(512L), List.of(5L)));
        assertOpenFails(Crafted.assemble(records, idx, 1, records.length, 0xFFFFFFF0L), "index size 4294967280",
                "offset 3072");
        assertOpenFails(Crafted.assemble(records, idx, 1, records.length, 0), "index size 0");
    }

    @Test
    void absurdEntrySize() throws Exception {
        assertIndexFails(Crafted.table(List.of("a", "b"), List.of(512L, 1536L), List.of(5L, 1L << 50)),
                "'b'", "offset 1536", "size " + (1L << 50));
    }

    @Test
    void corruptXz() throws Exception {
        byte[] idx = index(Crafted.table(List.of("a", "b"), List.of(512L, 1536L), List.of(5L, 5L)));
        idx[idx.length / 2] ^= 0x55;
        assertOpenFails(Crafted.assemble(records, idx), "index at offset 3072", "does not decode");
        assertOpenFails(Crafted.assemble(records, bytes("this is not xz at all")), "index at offset 3072");
    }

    @Test
    void xzThatDecodesToFarMoreThanTheFileCouldIndexIsRefused() throws Exception {
        // 20 MB of one repeated key compresses to a few KB; a 3 KB archive cannot need that index
        String big = "k".repeat(20_000_000);
        assertIndexFails(Crafted.table(List.of(big), List.of(512L), List.of(5L)), "index at offset 3072",
                "decodes to more than");
    }

    @Test
    void cborThatIsNotAMap() throws Exception {
        assertIndexFails(List.of("a", "b"), "index at offset 3072", "is a CBOR array", "expected a map");
    }

    @Test
    void cborArraysOfDifferentLengths() throws Exception {
        assertIndexFails(Crafted.table(List.of("a", "b"), List.of(512L), List.of(5L, 5L)),
                "index at offset 3072", "different lengths", "offset_datas 1");
    }

    @Test
    void cborMissingArray() throws Exception {
        assertIndexFails(Map.of("items", List.of("a")), "lacks 'offset_datas'");
    }

    @Test
    void cborElementsOfWrongType() throws Exception {
        assertIndexFails(Map.of("items", List.of(1, 2), "offset_datas", List.of(512, 1536), "sizes", List.of(5, 5)),
                "items[0]", "expected a text key");
        assertIndexFails(Crafted.table(List.of("a", "b"), List.of(512L, -1536L), List.of(5L, 5L)),
                "offset_datas[1]", "-1536");
        assertIndexFails(Map.of("items", List.of("a"), "offset_datas", List.of("512"), "sizes", List.of(5)),
                "offset_datas[0]", "text string");
        assertIndexFails(Map.of("items", List.of("a"), "offset_datas", List.of(512), "sizes", List.of(5.5)),
                "sizes[0]", "float");
        assertIndexFails(Map.of("items", "a", "offset_datas", List.of(512), "sizes", List.of(5)),
                "'items' is a text string");
    }

    @Test
    void entriesOverlappingEachOther() throws Exception {
        assertIndexFails(Crafted.table(List.of("a", "b"), List.of(512L, 1024L), List.of(600L, 5L)),
                "'b' at offset 1024", "overlaps entry 'a'");
        assertIndexFails(Crafted.table(List.of("a", "b"), List.of(512L, 512L), List.of(5L, 5L)), "overlaps");
    }

    @Test
    void entryWithoutRoomForItsHeader() throws Exception {
        assertIndexFails(Crafted.table(List.of("a"), List.of(0L), List.of(5L)), "'a' at offset 0", "tar header");
    }

    @Test
    void entryUnaligned() throws Exception {
        assertIndexFails(Crafted.table(List.of("a"), List.of(513L), List.of(5L)), "'a'", "offset 513");
    }

    @Test
    void entryOverlappingTheIndex() throws Exception {
        assertIndexFails(Crafted.table(List.of("a", "b"), List.of(512L, 1536L), List.of(5L, 2000L)),
                "'b' at offset 1536", "index at offset 3072");
    }

    @Test
    void repeatedKeys() throws Exception {
        assertIndexFails(Crafted.table(List.of("a", "a"), List.of(512L, 1536L), List.of(5L, 5L)),
                "'a' more than once");
    }
}
