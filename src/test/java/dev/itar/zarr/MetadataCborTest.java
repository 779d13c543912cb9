package dev.itar.zarr;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.itar.archive.Cbor;
import dev.itar.archive.IndexedTarReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tukaani.xz.XZInputStream;

/** Metadata CBOR must be byte-identical to what Python's cbor2 writes for the same document. */
class MetadataCborTest {
    static byte[] encode(Object value) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = Cbor.generator(out)) {
            MetadataCbor.write(gen, value);
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @MethodSource("dev.itar.Fixtures#zarrV2Archives")
    void reencodingNcoresConsolidatedMetadataGivesCbor2sBytes(Path fixture) throws Exception {
        byte[] cbor2;
        try (IndexedTarReader r = IndexedTarReader.open(fixture)) {
            cbor2 = new XZInputStream(new ByteArrayInputStream(r.get(".zmetadata.cbor.xz").orElseThrow()))
                    .readAllBytes();
        }
        Object document = new CBORMapper().readValue(cbor2, Object.class);
        assertThat(encode(document)).isEqualTo(cbor2);
    }

    @Test
    void longStringsAndKeysKeepDefiniteLengths() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k".repeat(70_000), "v".repeat(70_000));
        byte[] b = encode(m);
        assertThat(b[0] & 0xff).isEqualTo(0xa1); // map of 1
        assertThat(b[1] & 0xff).isEqualTo(0x7a); // text, 4-byte length — not 0x7f (indefinite)
        assertThat(b[6 + 70_000] & 0xff).isEqualTo(0x7a);
        assertThat(b).hasSize(1 + 2 * (5 + 70_000));
    }

    @Test
    void numbersKeepTheirKind() throws Exception {
        assertThat(encode(new long[] {1, 300})).containsExactly(0x82, 0x01, 0x19, 0x01, 0x2c);
        assertThat(encode(0.5)).containsExactly(0xfb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0); // binary64, as Python floats
    }
}
