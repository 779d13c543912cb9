package dev.itar.zarr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DataTypeTest {
    @Test
    void numpyAndSummarySpellings() throws Exception {
        assertThat(DataType.FLOAT32.numpyName()).isEqualTo("<f4");
        assertThat(DataType.UINT8.numpyName()).isEqualTo("|u1");
        assertThat(DataType.BOOL.numpyName()).isEqualTo("|b1");
        assertThat(DataType.UINT64.numpyName()).isEqualTo("<u8");
        assertThat(DataType.bytes(1167).numpyName()).isEqualTo("|S1167");
        assertThat(DataType.bytes(1167).summaryName()).isEqualTo("S1167");
        assertThat(DataType.INT16.summaryName()).isEqualTo("i2");
        for (DataType t : DataType.numericTypes()) {
            assertThat(DataType.fromNumpy(t.numpyName())).isEqualTo(t);
            assertThat(DataType.fromV3Json(t.toV3Json())).isEqualTo(t);
        }
        assertThat(DataType.fromNumpy("|S41")).isEqualTo(DataType.bytes(41));
        assertThat(DataType.parseNumpy(">f8")).isEqualTo(new DataType.Numpy(DataType.FLOAT64, true));
        assertThat(DataType.parseNumpy(">u1").bigEndian()).isFalse();
        assertThat(DataType.fromV3Json(DataType.bytes(5).toV3Json())).isEqualTo(DataType.bytes(5));
    }

    @Test
    void badTypesAreNamedInTheError() {
        assertThatThrownBy(() -> DataType.fromNumpy("<c8")).isInstanceOf(ZarrFormatException.class)
                .hasMessageContaining("unsupported numpy dtype \"<c8\"");
        assertThatThrownBy(() -> DataType.fromNumpy("|S0")).hasMessageContaining("length must be >= 1");
        assertThatThrownBy(() -> DataType.fromV3Json("complex64")).isInstanceOf(ZarrFormatException.class)
                .hasMessageContaining("unsupported zarr v3 data_type \"complex64\"");
        assertThatThrownBy(() -> DataType.bytes(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fillBytesAreLittleEndianAndPadded() {
        assertThat(DataType.INT32.fillBytes(-2L)).containsExactly(0xfe, 0xff, 0xff, 0xff);
        assertThat(DataType.FLOAT32.fillBytes(-1.5)).containsExactly(0, 0, 0xc0, 0xbf);
        assertThat(DataType.bytes(3).fillBytes(new byte[] {'a'})).containsExactly('a', 0, 0);
        assertThat(DataType.BOOL.fillBytes(true)).containsExactly(1);
    }

    @Test
    void chunkKeys() {
        assertThat(ChunkKeys.v3(0, 0)).isEqualTo("c/0/0");
        assertThat(ChunkKeys.v3()).isEqualTo("c");
        assertThat(ChunkKeys.v2('.', 1, 2)).isEqualTo("1.2");
        assertThat(ChunkKeys.v2('/', 1, 2)).isEqualTo("1/2");
        assertThat(ChunkKeys.v2('.')).isEqualTo("0");
        assertThat(ChunkKeys.storeKey("", "c")).isEqualTo("c");
        assertThat(ChunkKeys.storeKey("a/b", "c/1")).isEqualTo("a/b/c/1");
    }
}
