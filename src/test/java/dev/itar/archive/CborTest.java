package dev.itar.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Our CBOR must be byte-identical to what Python's cbor2 writes for the same values. */
class CborTest {
    static Stream<Path> fixtures() {
        return FixtureReadTest.fixtures();
    }

    @Test
    void indexTableMatchesCbor2Bytes() {
        byte[] expected = {(byte) 0xa3, 0x65, 'i', 't', 'e', 'm', 's', (byte) 0x81, 0x61, 'a',
                0x6c, 'o', 'f', 'f', 's', 'e', 't', '_', 'd', 'a', 't', 'a', 's', (byte) 0x81, 0x19, 0x02, 0x00,
                0x65, 's', 'i', 'z', 'e', 's', (byte) 0x81, 0x05};
        assertThat(Cbor.encodeIndex(List.of(new IndexEntry("a", 512, 5)))).containsExactly(expected);
    }

    @Test
    void longStringsAndKeysKeepDefiniteLengths() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("k".repeat(70_000), "v".repeat(70_000));
        byte[] b = Cbor.encode(o);
        assertThat(b[0] & 0xff).isEqualTo(0xa1); // map of 1
        assertThat(b[1] & 0xff).isEqualTo(0x7a); // text, 4-byte length — not 0x7f (indefinite)
        assertThat(b[6 + 70_000] & 0xff).isEqualTo(0x7a);
        assertThat(b).hasSize(1 + 2 * (5 + 70_000));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void reencodingNcoreIndexAndMetadataGivesCbor2sBytes(Path fixture) throws Exception {
        byte[] file = Files.readAllBytes(fixture);
        try (IndexedTarReader r = IndexedTarReader.open(fixture)) {
            byte[] xz = Arrays.copyOfRange(file, (int) r.indexOffset(), (int) (r.indexOffset() + r.indexSize()));
            byte[] cbor2Index = Compression.unxz(xz, 1 << 24);
            assertThat(Cbor.encodeIndex(r.entries())).isEqualTo(cbor2Index);

            byte[] cbor2Meta = Compression.unxz(r.get(".zmetadata.cbor.xz").orElseThrow(), 1 << 24);
            assertThat(Cbor.encode(Cbor.decode(cbor2Meta))).isEqualTo(cbor2Meta);
        }
    }
}
