package dev.itar.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.itar.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveVerifierTest {
    @TempDir
    Path dir;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] index(List<String> items, List<Long> offsets, List<Long> sizes) throws Exception {
        return Crafted.xz(Crafted.cbor(Crafted.table(items, offsets, sizes)));
    }

    List<String> problems(byte[] content) throws Exception {
        return ArchiveVerifier.containerProblems(Crafted.write(dir.resolve("v.itar"), content));
    }

    byte[] twoMembers() throws Exception {
        return Crafted.tarRecords(List.of(Map.entry("a", bytes("hello")), Map.entry("b", bytes("world!"))));
    }

    @Test
    void acceptsAHandMadeArchive() throws Exception {
        assertThat(problems(Crafted.assemble(twoMembers(),
                index(List.of("a", "b"), List.of(512L, 1536L), List.of(5L, 6L))))).isEmpty();
    }

    @Test
    void acceptsAnArchiveWithLongKeysFromTheWriter() throws Exception {
        Path file = dir.resolve("w.itar");
        try (IndexedTarWriter w = IndexedTarWriter.create(file)) {
            w.put("x/".repeat(120) + "c/0", new byte[777]);
            w.put("ä/ü/c/0", new byte[3]); // non-ASCII names go through a PAX header too
        }
        ArchiveVerifier.Report report = ArchiveVerifier.verify(file);
        assertThat(report.problems()).isEmpty();
        assertThat(report.members()).extracting(IndexEntry::key).containsExactly("x/".repeat(120) + "c/0", "ä/ü/c/0");
    }

    @Test
    void rejectsADuplicateMember() throws Exception {
        byte[] recs = Crafted.tarRecords(List.of(Map.entry("a", bytes("old")), Map.entry("a", bytes("new"))));
        assertThat(problems(Crafted.assemble(recs, index(List.of("a"), List.of(1536L), List.of(3L)))))
                .anySatisfy(p -> assertThat(p).contains("duplicate member 'a'").contains("offset 1536"));
    }

    @Test
    void rejectsAnIndexLyingAboutSize() throws Exception {
        assertThat(problems(Crafted.assemble(twoMembers(),
                index(List.of("a", "b"), List.of(512L, 1536L), List.of(5L, 4L)))))
                .anySatisfy(p -> assertThat(p).contains("'b'").contains("size 4").contains("size 6"));
    }

    @Test
    void rejectsAnIndexLyingAboutOffsets() throws Exception {
        assertThat(problems(Crafted.assemble(twoMembers(),
                index(List.of("b", "a"), List.of(512L, 1536L), List.of(5L, 5L)))))
                .anySatisfy(p -> assertThat(p).contains("index says 'a' is at offset 1536"));
    }

    @Test
    void rejectsAMemberMissingFromTheIndex() throws Exception {
        assertThat(problems(Crafted.assemble(twoMembers(), index(List.of("a"), List.of(512L), List.of(5L)))))
                .containsExactly(dir.resolve("v.itar") + ": member 'b' at offset 1536 is not in the index");
    }

    @Test
    void rejectsExtraTrailingBytes() throws Exception {
        byte[] good = Crafted.assemble(twoMembers(), index(List.of("a", "b"), List.of(512L, 1536L), List.of(5L, 6L)));
        assertThat(problems(Arrays.copyOf(good, good.length + 512))).isNotEmpty();
        assertThat(problems(Arrays.copyOf(good, good.length + 7))).isNotEmpty();
    }

    @Test
    void rejectsGarbageInTheGapBeforeTheIndex() throws Exception {
        byte[] gap = Arrays.copyOf(twoMembers(), 3072 + 1024); // Python-style zero gap of 1024 bytes
        byte[] idx = index(List.of("a", "b"), List.of(512L, 1536L), List.of(5L, 6L));
        assertThat(problems(Crafted.assemble(gap, idx))).isEmpty();
        gap[3072 + 100] = 7;
        assertThat(problems(Crafted.assemble(gap, idx)))
                .anySatisfy(p -> assertThat(p).contains("non-zero byte at offset 3172").contains("gap"));
    }

    @Test
    void rejectsGarbageInTheNcoreFixtureGap() throws Exception {
        Path fixture = Fixtures.PLAIN_1;
        byte[] content = Files.readAllBytes(fixture);
        long indexOffset;
        try (IndexedTarReader r = IndexedTarReader.open(fixture)) {
            indexOffset = r.indexOffset();
        }
        assertThat(problems(Crafted.withByte(content, indexOffset - 1, 1)))
                .anySatisfy(p -> assertThat(p).contains("non-zero byte at offset " + (indexOffset - 1)));
    }

    @Test
    void rejectsGarbageAfterTheIndexAndInTheHeaderBlock() throws Exception {
        byte[] idx = index(List.of("a", "b"), List.of(512L, 1536L), List.of(5L, 6L));
        byte[] good = Crafted.assemble(twoMembers(), idx);
        assertThat(problems(Crafted.withByte(good, 3072 + idx.length, 1)))
                .anySatisfy(p -> assertThat(p).contains("after the index"));
        assertThat(problems(Crafted.withByte(good, good.length - 1, 1)))
                .anySatisfy(p -> assertThat(p).contains("header block after its 20 bytes"));
    }

    @Test
    void rejectsDamagedTarHeaders() throws Exception {
        byte[] idx = index(List.of("a", "b"), List.of(512L, 1536L), List.of(5L, 6L));
        byte[] good = Crafted.assemble(twoMembers(), idx);
        assertThat(problems(Crafted.withByte(good, 1024 + 3, 'Z')))
                .anySatisfy(p -> assertThat(p).contains("bad tar header checksum at offset 1024"));
        assertThat(problems(Crafted.withByte(good, 512 + 100, 'x')))
                .anySatisfy(p -> assertThat(p).contains("padding after member 'a'"));
    }
}
