package dev.itar.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Our index CBOR must be byte-identical to what Python's cbor2 writes for the same table. */
class CborTest {
    static byte[] encodeIndex(List<IndexEntry> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = Cbor.generator(out)) {
            Cbor.writeIndex(gen, entries.size(), () -> entries.stream().map(e -> new MemberIndexFile.Entry(
                    e.key().getBytes(StandardCharsets.UTF_8), e.offset(), e.size())).iterator());
        }
        byte[] cbor = out.toByteArray();
        assertThat(Cbor.indexLength(entries.size(), entries.stream().map(e -> new MemberIndexFile.Entry(
                e.key().getBytes(StandardCharsets.UTF_8), e.offset(), e.size())).iterator())).isEqualTo(cbor.length);
        return cbor;
    }

    @Test
    void indexTableMatchesCbor2Bytes() throws IOException {
        byte[] expected = {(byte) 0xa3, 0x65, 'i', 't', 'e', 'm', 's', (byte) 0x81, 0x61, 'a',
                0x6c, 'o', 'f', 'f', 's', 'e', 't', '_', 'd', 'a', 't', 'a', 's', (byte) 0x81, 0x19, 0x02, 0x00,
                0x65, 's', 'i', 'z', 'e', 's', (byte) 0x81, 0x05};
        assertThat(encodeIndex(List.of(new IndexEntry("a", 512, 5)))).containsExactly(expected);
    }

    @ParameterizedTest
    @MethodSource("dev.itar.Fixtures#zarrV2Archives")
    void reencodingNcoreIndexGivesCbor2sBytes(Path fixture) throws Exception {
        byte[] file = Files.readAllBytes(fixture);
        try (IndexedTarReader r = IndexedTarReader.open(fixture)) {
            byte[] xz = Arrays.copyOfRange(file, (int) r.indexOffset(), (int) (r.indexOffset() + r.indexSize()));
            byte[] cbor2Index = Compression.unxz(xz, 1 << 24);
            assertThat(encodeIndex(r.entries())).isEqualTo(cbor2Index);
        }
    }

    @Test
    void headsAreTheShortestEncoding() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Cbor.writeHead(out, Cbor.MAP, 23);
        Cbor.writeHead(out, Cbor.MAP, 24);
        Cbor.writeHead(out, Cbor.TEXT, 300);
        Cbor.writeHead(out, Cbor.MAP, 70_000);
        Cbor.writeHead(out, Cbor.MAP, 1L << 33);
        assertThat(out.toByteArray()).containsExactly(0xb7, 0xb8, 24, 0x79, 0x01, 0x2c, 0xba, 0x00, 0x01, 0x11, 0x70,
                0xbb, 0, 0, 0, 2, 0, 0, 0, 0);
    }
}
