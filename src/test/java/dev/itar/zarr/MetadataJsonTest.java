package dev.itar.zarr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** zarr.json documents byte for byte as zarr-python 3.1.6 writes them (json.dumps(indent=2), to_dict order). */
class MetadataJsonTest {

    static String json(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void aLongDocumentRendersAsTheShortOnesDo() {
        List<Object> times = new java.util.ArrayList<>();
        StringBuilder expected = new StringBuilder("{\n  \"t\": [");
        for (int i = 0; i < 40_000; i++) {
            times.add(List.of(i, i + 0.5));
            expected.append(i == 0 ? "" : ",").append("\n    [\n      ").append(i).append(",\n      ")
                    .append(i).append(".5\n    ]");
        }
        expected.append("\n  ],\n  \"name\": \"caf\\u00e9\"\n}");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("t", times);
        doc.put("name", "caf\u00e9");
        byte[] rendered = PyJson.dumps(doc);
        assertThat(rendered.length).isGreaterThan(256 << 10); // past the length that skips the intermediate string
        assertThat(new String(rendered, StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
    }

    @Test
    void ncoreNumericArrayGolden() {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("n_rays", 64);
        attrs.put("scale", 30.0);
        ArrayMetadata md = ArrayMetadata.ncoreNumeric(new long[] {64, 3}, new long[] {64, 3}, DataType.FLOAT32, attrs);
        assertThat(json(md.toJson())).isEqualTo("""
                {
                  "shape": [
                    64,
                    3
                  ],
                  "data_type": "float32",
                  "chunk_grid": {
                    "name": "regular",
                    "configuration": {
                      "chunk_shape": [
                        64,
                        3
                      ]
                    }
                  },
                  "chunk_key_encoding": {
                    "name": "default",
                    "configuration": {
                      "separator": "/"
                    }
                  },
                  "fill_value": 0.0,
                  "codecs": [
                    {
                      "name": "bytes",
                      "configuration": {
                        "endian": "little"
                      }
                    },
                    {
                      "name": "blosc",
                      "configuration": {
                        "typesize": 4,
                        "cname": "lz4",
                        "clevel": 5,
                        "shuffle": "bitshuffle",
                        "blocksize": 0
                      }
                    }
                  ],
                  "attributes": {
                    "n_rays": 64,
                    "scale": 30.0
                  },
                  "zarr_format": 3,
                  "node_type": "array",
                  "storage_transformers": []
                }""");
    }

    @Test
    void ncoreImageArrayGolden() {
        ArrayMetadata md = ArrayMetadata.ncoreBytes(1167, Map.of("format", "jpeg"));
        assertThat(json(md.toJson())).isEqualTo("""
                {
                  "shape": [],
                  "data_type": {
                    "name": "null_terminated_bytes",
                    "configuration": {
                      "length_bytes": 1167
                    }
                  },
                  "chunk_grid": {
                    "name": "regular",
                    "configuration": {
                      "chunk_shape": []
                    }
                  },
                  "chunk_key_encoding": {
                    "name": "default",
                    "configuration": {
                      "separator": "/"
                    }
                  },
                  "fill_value": "",
                  "codecs": [
                    {
                      "name": "bytes"
                    }
                  ],
                  "attributes": {
                    "format": "jpeg"
                  },
                  "zarr_format": 3,
                  "node_type": "array",
                  "storage_transformers": []
                }""");
    }

    @Test
    void groupGolden() {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("sequence_id", "s\u00e9q");
        attrs.put("interval", Map.of("start", 1600000010000000L));
        attrs.put("empty", List.of());
        assertThat(json(new GroupMetadata(attrs).toJson())).isEqualTo("""
                {
                  "attributes": {
                    "sequence_id": "s\\u00e9q",
                    "interval": {
                      "start": 1600000010000000
                    },
                    "empty": []
                  },
                  "zarr_format": 3,
                  "node_type": "group"
                }""");
        assertThat(json(GroupMetadata.empty().toJson()))
                .isEqualTo("{\n  \"attributes\": {},\n  \"zarr_format\": 3,\n  \"node_type\": \"group\"\n}");
    }

    @Test
    void arrayJsonRoundTripsIncludingSpecialFillValues() throws Exception {
        for (double fill : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1.5}) {
            ArrayMetadata md = ArrayMetadata.of(new long[] {7, 3}, new long[] {4, 2}, DataType.FLOAT64, fill,
                    List.of(Codec.bytes("big"), Codec.zstd(3, true), Codec.crc32c()), Map.of("k", List.of(1, 2.5)));
            ArrayMetadata back = ArrayMetadata.fromJson(md.toJson());
            assertThat(back).isEqualTo(md);
            assertThat(back.toJson()).isEqualTo(md.toJson());
        }
        assertThat(json(ArrayMetadata.of(new long[] {1}, new long[] {1}, DataType.FLOAT32, Double.NaN,
                List.of(Codec.bytes("little")), Map.of()).toJson())).contains("\"fill_value\": \"NaN\"");
    }

    @Test
    void hexFillValuesAreRead() throws Exception {
        assertThat((Double) DataType.FLOAT32.fillFromJson("0x7fc00000", 3)).isNaN();
        assertThat(DataType.FLOAT32.fillFromJson("0x3fc00000", 3)).isEqualTo(1.5);
        assertThat(DataType.FLOAT64.fillFromJson("0xbff8000000000000", 3)).isEqualTo(-1.5);
        assertThat(DataType.FLOAT32.fillFromJson("Infinity", 3)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(DataType.FLOAT64.fillFromJson("-Infinity", 3)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(DataType.UINT64.fillFromJson(new java.math.BigInteger("18446744073709551615"), 3)).isEqualTo(-1L);
        assertThat(DataType.UINT64.fillToJson(-1L).toString()).isEqualTo("18446744073709551615");
        assertThatThrownBy(() -> DataType.INT8.fillFromJson(300, 3)).isInstanceOf(ZarrFormatException.class)
                .hasMessageContaining("out of range for int8");
        assertThatThrownBy(() -> DataType.FLOAT32.fillFromJson("0x12", 3)).isInstanceOf(ZarrFormatException.class)
                .hasMessageContaining("bad fill_value");
    }

    @Test
    void floatsAreWrittenAsPythonRepr() {
        assertThat(PyJson.pyFloat(30.0)).isEqualTo("30.0");
        assertThat(PyJson.pyFloat(0.1)).isEqualTo("0.1");
        assertThat(PyJson.pyFloat(1e-05)).isEqualTo("1e-05");
        assertThat(PyJson.pyFloat(0.0001)).isEqualTo("0.0001");
        assertThat(PyJson.pyFloat(1e16)).isEqualTo("1e+16");
        assertThat(PyJson.pyFloat(1234567890123456.0)).isEqualTo("1234567890123456.0");
        assertThat(PyJson.pyFloat(-2.5e-300)).isEqualTo("-2.5e-300");
        assertThat(PyJson.pyFloat((double) 0.1f)).isEqualTo("0.10000000149011612");
        assertThat(PyJson.pyFloat(-0.0)).isEqualTo("-0.0");
    }

    /** Doubles of every magnitude (random bit patterns, decimals, powers, float32 values) and what Python 3 prints. */
    @Test
    void floatsMatchPythonReprOnThousandsOfDoubles() throws Exception {
        List<String> lines;
        try (var in = MetadataJsonTest.class.getResourceAsStream("python-float-repr.tsv")) {
            lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .filter(l -> !l.startsWith("#")).toList();
        }
        assertThat(lines).hasSizeGreaterThan(7000);
        for (String line : lines) {
            String[] f = line.split("\t");
            double d = Double.longBitsToDouble(Long.parseUnsignedLong(f[0], 16));
            assertThat(PyJson.pyFloat(d)).as("repr of bits %s", f[0]).isEqualTo(f[1]);
        }
    }

    @Test
    void attributesKeepNumberKinds() throws Exception {
        Map<String, Object> m = PyJson.parseObject("{\"a\": 30.0, \"b\": 30, \"c\": 12345678901234, \"d\": NaN}"
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(m.get("a")).isEqualTo(30.0);
        assertThat(m.get("b")).isEqualTo(30);
        assertThat(m.get("c")).isEqualTo(12345678901234L);
        assertThat((Double) m.get("d")).isNaN();
        assertThat(json(PyJson.dumps(m))).isEqualTo("{\n  \"a\": 30.0,\n  \"b\": 30,\n  \"c\": 12345678901234,\n  \"d\": NaN\n}");
    }

    @Test
    void v2ZarrayIsReadIntoTheV3Model() throws Exception {
        Map<String, Object> zarray = PyJson.parseObject("""
                {"chunks": [2, 2], "compressor": {"blocksize": 0, "clevel": 3, "cname": "zstd", "id": "blosc",
                 "shuffle": 1}, "dimension_separator": "/", "dtype": ">i2", "fill_value": null, "filters": null,
                 "order": "C", "shape": [3, 3], "zarr_format": 2}""".getBytes(StandardCharsets.US_ASCII));
        ArrayMetadata md = ArrayMetadata.fromV2(zarray, Map.of("x", 1));
        assertThat(md.dataType()).isEqualTo(DataType.INT16);
        assertThat(md.fillValue()).isEqualTo(0L);
        assertThat(md.codecs()).containsExactly(Codec.bytes("big"), Codec.blosc("zstd", 3, "shuffle", 2, 0));
        assertThat(md.chunkKey(1, 0)).isEqualTo("1/0");
        assertThat(md.attributes()).containsEntry("x", 1);

        Map<String, Object> fortran = new LinkedHashMap<>(zarray);
        fortran.put("order", "F");
        assertThatThrownBy(() -> ArrayMetadata.fromV2(fortran, Map.of())).hasMessageContaining("order F");
        Map<String, Object> lzma = new LinkedHashMap<>(zarray);
        lzma.put("compressor", Map.of("id", "lzma"));
        assertThatThrownBy(() -> ArrayMetadata.fromV2(lzma, Map.of()))
                .hasMessageContaining("unsupported v2 compressor \"lzma\"");
    }
}
