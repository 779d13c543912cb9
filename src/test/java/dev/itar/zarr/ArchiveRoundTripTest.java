package dev.itar.zarr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.itar.Fixtures;
import dev.itar.archive.ArchiveVerifier;
import dev.itar.archive.IndexedTarReader;
import dev.itar.archive.IndexedTarWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every data type × codec chain through ZarrArchiveWriter and back through ZarrArchiveReader. */
class ArchiveRoundTripTest {
    static final long[] SHAPE = {5, 3};
    static final long[] CHUNKS = {2, 2};

    @TempDir
    Path tmp;

    static List<List<Codec>> compressorChains(DataType t) {
        List<List<Codec>> chains = new ArrayList<>();
        chains.add(List.of());
        for (String cname : List.of("lz4", "lz4hc", "zstd", "zlib", "blosclz")) {
            chains.add(List.of(Codec.blosc(cname, 5, "shuffle", t.itemSize(), 0)));
        }
        chains.add(List.of(Codec.blosc("lz4", 5, "bitshuffle", t.itemSize(), 0)));
        chains.add(List.of(Codec.blosc("lz4", 5, "noshuffle", t.itemSize(), 0)));
        chains.add(List.of(Codec.zstd(3, true)));
        chains.add(List.of(Codec.zstd(1, false)));
        chains.add(List.of(Codec.gzip(6)));
        chains.add(List.of(Codec.zlib(9)));
        chains.add(List.of(Codec.crc32c()));
        chains.add(List.of(Codec.zstd(3, false), Codec.crc32c()));
        return chains;
    }

    static Stream<Arguments> cases() {
        List<DataType> types = new ArrayList<>(DataType.numericTypes());
        types.add(DataType.bytes(7));
        List<Arguments> out = new ArrayList<>();
        for (DataType t : types) {
            List<Codec> serializers = t.hasEndianness() ? List.of(Codec.bytes("little"), Codec.bytes("big"))
                    : List.of(Codec.bytes(null));
            for (Codec ser : serializers) {
                for (List<Codec> chain : compressorChains(t)) {
                    List<Codec> codecs = new ArrayList<>();
                    codecs.add(ser);
                    codecs.addAll(chain);
                    out.add(Arguments.of(t, codecs));
                }
            }
        }
        return out.stream();
    }

    /** Random element bytes that are valid for the type (bools 0/1, byte strings NUL-padded). */
    static byte[] randomElements(DataType t, long count, Random rnd) {
        byte[] b = new byte[(int) (count * t.itemSize())];
        rnd.nextBytes(b);
        if (t == DataType.BOOL) {
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (b[i] & 1);
            }
        }
        if (t.isBytes()) {
            for (int i = 0; i < count; i++) {
                int len = rnd.nextInt(t.itemSize() + 1);
                for (int j = len; j < t.itemSize(); j++) {
                    b[i * t.itemSize() + j] = 0;
                }
            }
        }
        return b;
    }

    /** The chunk at idx of a C-order 2-d array, padded with the fill element. */
    static byte[] chunkOf(byte[] full, long[] shape, long[] chunks, long[] idx, byte[] fill) {
        int item = fill.length;
        byte[] c = new byte[(int) (chunks[0] * chunks[1] * item)];
        for (int i = 0; i < chunks[0]; i++) {
            for (int j = 0; j < chunks[1]; j++) {
                long r = idx[0] * chunks[0] + i;
                long k = idx[1] * chunks[1] + j;
                int dst = (int) ((i * chunks[1] + j) * item);
                if (r < shape[0] && k < shape[1]) {
                    System.arraycopy(full, (int) ((r * shape[1] + k) * item), c, dst, item);
                } else {
                    System.arraycopy(fill, 0, c, dst, item);
                }
            }
        }
        return c;
    }

    static Object fillFor(DataType t) {
        return switch (t.kind()) {
            case BOOL -> true;
            case INT -> -3L;
            case UINT -> 7L;
            case FLOAT -> Double.NaN;
            case BYTES -> "zz".getBytes(StandardCharsets.US_ASCII);
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void roundTrip(DataType t, List<Codec> codecs) throws Exception {
        Random rnd = new Random(42);
        Object fill = fillFor(t);
        ArrayMetadata md = ArrayMetadata.of(SHAPE, CHUNKS, t, fill, codecs, Map.of("unit", "m"));
        ArrayMetadata scalar = ArrayMetadata.of(new long[0], new long[0], t, fill, codecs, Map.of());
        byte[] full = randomElements(t, 15, rnd);
        byte[] one = randomElements(t, 1, rnd);
        byte[] fillBytes = t.fillBytes(fill);
        long[] missing = {1, 1};

        Path file = tmp.resolve("a.zarr.itar");
        try (ZarrArchiveWriter w = ZarrArchiveWriter.create(file, RootDialect.PR68)) {
            w.createGroup("", Map.of("root", true));
            w.createGroup("empty", Map.of());
            w.createGroup("g", Map.of());
            ZarrArchiveWriter.ArrayChunks x = w.createArray("g/x", md);
            ZarrArchiveWriter.ArrayChunks s = w.createArray("g/s", scalar);
            for (long i = 0; i < 3; i++) {
                for (long j = 0; j < 2; j++) {
                    long[] idx = {i, j};
                    if (!java.util.Arrays.equals(idx, missing)) {
                        x.writeChunk(idx, chunkOf(full, SHAPE, CHUNKS, idx, fillBytes));
                    }
                }
            }
            s.writeChunk(new long[0], one);
        }
        assertThat(ArchiveVerifier.containerProblems(file)).isEmpty();

        // the missing chunk (rows 2..3, column 2) reads back as fill value
        byte[] expected = full.clone();
        for (long r = 2; r < 4; r++) {
            System.arraycopy(fillBytes, 0, expected, (int) ((r * 3 + 2) * t.itemSize()), t.itemSize());
        }
        try (ZarrArchiveReader r = ZarrArchiveReader.open(file)) {
            assertThat(r.zarrFormat()).isEqualTo(3);
            assertThat(r.nodes().keySet()).containsExactly("", "empty", "g", "g/s", "g/x");
            assertThat(r.nodes().get("").attributes()).containsEntry("root", true);
            assertThat(r.nodes().get("g").kind()).isEqualTo(Node.Kind.GROUP);
            assertThat(r.nodes().get("g/x").array()).isEqualTo(md);
            NdArray a = r.readArray("g/x");
            assertThat(a.shape()).containsExactly(SHAPE);
            assertThat(a.bytes()).isEqualTo(expected);
            assertThat(r.readArray("g/s").bytes()).isEqualTo(one);
            assertThat(r.readChunk("g/x", missing)).isEqualTo(chunkOf(expected, SHAPE, CHUNKS, missing, fillBytes));
            assertThat(r.readEncodedChunk("g/x", missing)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void encodingIsDeterministic(DataType t, List<Codec> codecs) throws Exception {
        ArrayMetadata md = ArrayMetadata.of(SHAPE, CHUNKS, t, null, codecs, Map.of());
        byte[] raw = randomElements(t, 4, new Random(7));
        byte[] a = CodecPipeline.encode(md, raw);
        byte[] b = CodecPipeline.of(md).encode(raw.clone());
        assertThat(a).isEqualTo(b);
        assertThat(CodecPipeline.of(md).decode(a)).isEqualTo(raw);
    }

    @Test
    void bigEndianBytesCodecStoresBigEndian() throws Exception {
        ArrayMetadata md = ArrayMetadata.of(new long[] {2}, new long[] {2}, DataType.INT32, null,
                List.of(Codec.bytes("big")), Map.of());
        byte[] raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(0x01020304).array();
        assertThat(CodecPipeline.encode(md, raw)).containsExactly(0, 0, 0, 1, 1, 2, 3, 4);
    }

    @Test
    void crc32cAppendsLittleEndianChecksumAndDetectsCorruption() throws Exception {
        ArrayMetadata md = ArrayMetadata.of(new long[] {9}, new long[] {9}, DataType.UINT8, null,
                List.of(Codec.bytes(null), Codec.crc32c()), Map.of());
        byte[] enc = CodecPipeline.encode(md, "123456789".getBytes(StandardCharsets.US_ASCII));
        // CRC-32C check value of "123456789" is 0xE3069283
        assertThat(java.util.Arrays.copyOfRange(enc, 9, 13)).containsExactly(0x83, 0x92, 0x06, 0xe3);
        enc[0] ^= 1;
        assertThatThrownBy(() -> CodecPipeline.of(md).decode(enc)).isInstanceOf(ZarrFormatException.class)
                .hasMessageContaining("crc32c mismatch");
    }

    @Test
    void gzipHeaderHasNoTimestamp() throws Exception {
        ArrayMetadata md = ArrayMetadata.of(new long[] {4}, new long[] {4}, DataType.UINT8, null,
                List.of(Codec.bytes(null), Codec.gzip(9)), Map.of());
        byte[] enc = CodecPipeline.encode(md, new byte[] {1, 2, 3, 4});
        assertThat(java.util.Arrays.copyOfRange(enc, 0, 10)).containsExactly(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff);
    }

    @Test
    void writerRejectsWrongSizeChunksAndIndicesOutsideTheGrid() throws Exception {
        Path file = tmp.resolve("w.zarr.itar");
        ZarrArchiveWriter w = ZarrArchiveWriter.create(file, RootDialect.PR68);
        ZarrArchiveWriter.ArrayChunks x = w.createArray("x",
                ArrayMetadata.ncoreNumeric(SHAPE, CHUNKS, DataType.FLOAT32, Map.of()));
        assertThatThrownBy(() -> x.writeChunk(new long[] {0, 0}, new byte[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x/c/0/0")
                .hasMessageContaining("expected 16");
        assertThatThrownBy(() -> x.writeChunk(new long[] {3, 0}, new byte[16]))
                .hasMessageContaining("outside the chunk grid [3, 2]");
        w.abort();
        assertThat(file).doesNotExist();
        try (java.util.stream.Stream<Path> files = Files.list(tmp)) {
            assertThat(files).isEmpty();
        }
    }

    // ------------------------------------------------------------------ errors when reading

    private Path archiveWithArrayJson(String arrayJson, Map<String, byte[]> extra) throws Exception {
        Path file = tmp.resolve("bad.zarr.itar");
        try (IndexedTarWriter w = IndexedTarWriter.create(file)) {
            w.put("zarr.json", GroupMetadata.empty().toJson());
            w.put("arr/zarr.json", arrayJson.getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, byte[]> e : extra.entrySet()) {
                w.put(e.getKey(), e.getValue());
            }
        }
        return file;
    }

    private static String arrayJsonWith(String from, String to) {
        String j = new String(ArrayMetadata.ncoreNumeric(new long[] {4}, new long[] {4}, DataType.FLOAT32, Map.of())
                .toJson(), StandardCharsets.US_ASCII);
        assertThat(j).contains(from);
        return j.replace(from, to);
    }

    @Test
    void unknownCodecNamesArchiveAndNode() throws Exception {
        Path file = archiveWithArrayJson(arrayJsonWith("\"blosc\"", "\"lzma\""), Map.of());
        assertThatThrownBy(() -> ZarrArchiveReader.open(file)).isInstanceOf(ZarrFormatException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("node 'arr'")
                .hasMessageContaining("unknown codec \"lzma\"");
    }

    @Test
    void badDataTypeNamesArchiveAndNode() throws Exception {
        Path file = archiveWithArrayJson(arrayJsonWith("\"float32\"", "\"complex128\""), Map.of());
        assertThatThrownBy(() -> ZarrArchiveReader.open(file)).isInstanceOf(ZarrFormatException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("node 'arr'")
                .hasMessageContaining("complex128");
    }

    @Test
    void chunkOfWrongDecodedSizeNamesArchiveNodeAndKey() throws Exception {
        ArrayMetadata md = ArrayMetadata.ncoreNumeric(new long[] {4}, new long[] {4}, DataType.FLOAT32, Map.of());
        ArrayMetadata shorter = ArrayMetadata.ncoreNumeric(new long[] {3}, new long[] {3}, DataType.FLOAT32, Map.of());
        byte[] wrong = CodecPipeline.encode(shorter, new byte[12]);
        Path file = archiveWithArrayJson(new String(md.toJson(), StandardCharsets.US_ASCII),
                Map.of("arr/c/0", wrong));
        try (ZarrArchiveReader r = ZarrArchiveReader.open(file)) {
            assertThatThrownBy(() -> r.readArray("arr")).isInstanceOf(ZarrFormatException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("array 'arr'")
                    .hasMessageContaining("chunk 'arr/c/0'").hasMessageContaining("decodes to 12 bytes, expected 16");
        }
    }

    @Test
    void readerFallsBackToPerNodeMetadataAndAcceptsEveryRootDialect() throws Exception {
        for (RootDialect d : RootDialect.values()) {
            Path file = tmp.resolve(d.cliName() + ".zarr.itar");
            try (ZarrArchiveWriter w = ZarrArchiveWriter.create(file, d)) {
                w.createGroup("", Map.of("d", d.cliName()));
                w.createGroup("a", Map.of());
                w.createArray("a/v", ArrayMetadata.ncoreNumeric(new long[] {3}, new long[] {2}, DataType.INT16, Map.of()))
                        .writeChunk(new long[] {1}, new byte[] {5, 0, 6, 0});
            }
            try (ZarrArchiveReader r = ZarrArchiveReader.open(file)) {
                assertThat(r.nodes().keySet()).containsExactly("", "a", "a/v");
                assertThat(r.nodes().get("").attributes()).containsEntry("d", d.cliName());
                // chunk 0 missing (fill 0), chunk 1 is an edge chunk: only its first element is inside the shape
                assertThat(r.readArray("a/v").bytes()).containsExactly(0, 0, 0, 0, 5, 0);
            }
        }
        try (IndexedTarReader raw = IndexedTarReader.open(tmp.resolve("pr68.zarr.itar"))) {
            assertThat(raw.contains("a/v/zarr.json")).isTrue();
        }
    }

    @Test
    void v2ArchiveWithoutConsolidatedMetadataIsReadPerNode() throws Exception {
        Path file = tmp.resolve("v2.zarr.itar");
        try (IndexedTarWriter w = IndexedTarWriter.create(file)) {
            w.put(".zgroup", "{\"zarr_format\": 2}".getBytes(StandardCharsets.US_ASCII));
            w.put(".zattrs", "{\"scale\": 30.0}".getBytes(StandardCharsets.US_ASCII));
            w.put("g/.zgroup", "{\"zarr_format\": 2}".getBytes(StandardCharsets.US_ASCII));
            w.put("g/x/.zarray", ("{\"chunks\": [2, 2], \"compressor\": {\"id\": \"zlib\", \"level\": 1},"
                    + " \"dimension_separator\": \"/\", \"dtype\": \">i2\", \"fill_value\": 9, \"filters\": null,"
                    + " \"order\": \"C\", \"shape\": [3, 2], \"zarr_format\": 2}").getBytes(StandardCharsets.US_ASCII));
            ArrayMetadata md = ArrayMetadata.of(new long[] {3, 2}, new long[] {2, 2}, DataType.INT16, null,
                    List.of(Codec.bytes("big"), Codec.zlib(1)), Map.of());
            w.put("g/x/0/0", CodecPipeline.encode(md, new byte[] {1, 0, 2, 0, 3, 0, 4, 0}));
        }
        try (ZarrArchiveReader r = ZarrArchiveReader.open(file)) {
            assertThat(r.zarrFormat()).isEqualTo(2);
            assertThat(r.nodes().keySet()).containsExactly("", "g", "g/x");
            assertThat(r.nodes().get("").attributes().get("scale")).isEqualTo(30.0);
            assertThat(r.readArray("g/x").bytes()).containsExactly(1, 0, 2, 0, 3, 0, 4, 0, 9, 0, 9, 0);
            assertThat(ArchiveSummary.of(r).get("zarr_format")).isEqualTo(2);
        }
    }

    @Test
    void migrationRefusesExistingTargetUnlessForced() throws Exception {
        Path src = Fixtures.PLAIN_1;
        Path dst = tmp.resolve("out.zarr.itar");
        Files.writeString(dst, "keep me");
        assertThatThrownBy(() -> Migration.migrate(src, dst, RootDialect.PR68, false, null))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(dst.toString());
        assertThat(Files.readString(dst)).isEqualTo("keep me");
        Migration.migrate(src, dst, RootDialect.PR68, true, null);
        try (ZarrArchiveReader r = ZarrArchiveReader.open(dst)) {
            assertThat(r.zarrFormat()).isEqualTo(3);
            assertThat(r.nodes().get("f64_zlib").array().codecs())
                    .containsExactly(Codec.bytes("little"), Codec.blosc("lz4", 5, "bitshuffle", 8, 0));
            assertThat(r.nodes().get("scalar_bytes").array().codecs()).containsExactly(Codec.bytes(null));
            assertThat(r.nodes().get("sparse_fill").array().fillValue()).isEqualTo(-1.5);
            assertThat(r.archive().contains("sparse_fill/c/1/1")).isFalse();
        }
    }
}
