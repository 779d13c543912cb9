package dev.itar.archive;

import dev.itar.zarr.RootDialect;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes the seed corpus of {@link IndexedTarReaderFuzzTest}: {@code java ... IndexedTarReaderFuzzSeeds DIR}.
 * Valid archives of each root dialect (small, so the fuzzer's mutations stay cheap) and crafted damage: a
 * truncated file, a header pointing outside the file, a lying index size, an index entry past the end, a
 * corrupted compressed root, a duplicate member, trailing garbage.
 */
final class IndexedTarReaderFuzzSeeds {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private IndexedTarReaderFuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        Path tmp = Files.createTempDirectory("itar-seeds");
        byte[] pr68 = archive(tmp.resolve("a.itar"), RootDialect.PR68);
        Files.write(dir.resolve("valid-pr68"), pr68);
        Files.write(dir.resolve("valid-ncore20-xz"), archive(tmp.resolve("b.itar"), RootDialect.NCORE20_XZ));
        Files.write(dir.resolve("valid-ncore20-zlib"), archive(tmp.resolve("c.itar"), RootDialect.NCORE20_ZLIB));

        Files.write(dir.resolve("truncated"), Arrays.copyOf(pr68, pr68.length - 512));
        Files.write(dir.resolve("trailing-garbage"), concat(pr68, filled(512, 0x41)));
        Files.write(dir.resolve("empty-blocks"), new byte[2048]);
        // header block fields: "itar" magic, type (int32 LE), index offset (int64 LE), index size (int32 LE)
        int h = pr68.length - 512;
        Files.write(dir.resolve("index-offset-past-end"), withLong(pr68, h + 8, 1L << 40));
        Files.write(dir.resolve("index-size-lies"), withInt(pr68, h + 16, Integer.MAX_VALUE));
        Files.write(dir.resolve("index-size-negative"), withInt(pr68, h + 16, -1));
        Files.write(dir.resolve("index-type-unknown"), withInt(pr68, h + 4, 7));
        // flip bytes inside the index and inside the first member (the compressed root or a chunk)
        long indexOffset = ByteBuffer.wrap(pr68, h + 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Files.write(dir.resolve("index-bytes-flipped"), flip(pr68, (int) indexOffset + 20, 8));
        Files.write(dir.resolve("member-header-flipped"), flip(pr68, 100, 40));
        try (IndexedTarReader r = IndexedTarReader.open(tmp.resolve("a.itar"))) {
            IndexEntry root = r.entry(RootDialect.PR68.key()).orElseThrow();
            Files.write(dir.resolve("root-corrupted"), flip(pr68, (int) root.offset() + 8, 16));
        } catch (ArchiveFormatException e) {
            throw new IOException(e);
        }
        Files.write(dir.resolve("duplicate-member"), Crafted.assemble(Crafted.tarRecords(List.of(
                Map.entry("a/c/0", new byte[] {1}), Map.entry("a/c/0", new byte[] {2}))), Crafted.xz(Crafted.cbor(
                Crafted.table(List.of("a/c/0"), List.of(512L), List.of(1L))))));
        Files.write(dir.resolve("index-entry-past-end"), Crafted.assemble(Crafted.tarRecords(List.of(
                Map.entry("a/c/0", new byte[] {1}))), Crafted.xz(Crafted.cbor(
                Crafted.table(List.of("a/c/0"), List.of(1L << 33), List.of(1L << 31))))));
        Files.write(dir.resolve("not-tar-text"), filled(4096, 'x'));
    }

    private static byte[] archive(Path file, RootDialect dialect) throws IOException {
        byte[] root = JSON.writeValueAsBytes(JSON.readTree(
                "{\"attributes\":{},\"zarr_format\":3,\"consolidated_metadata\":{\"kind\":\"inline\","
                + "\"must_understand\":false,\"metadata\":{\"cameras\":{\"attributes\":{},\"zarr_format\":3,"
                + "\"node_type\":\"group\"}}},\"node_type\":\"group\"}"));
        Map<String, Object> envelope = new java.util.LinkedHashMap<>();
        envelope.put("zarr_consolidated_format", 1);
        envelope.put("metadata", JSON.readTree(root));
        byte[] cbor = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper().writeValueAsBytes(
                dialect == RootDialect.PR68 ? envelope : JSON.readTree(root));
        try (IndexedTarWriter w = IndexedTarWriter.create(file)) {
            w.put(dialect.key(), dialect == RootDialect.NCORE20_ZLIB ? Compression.zlib9(cbor) : Compression.xz(cbor));
            w.put("cameras/zarr.json", "{\"zarr_format\":3,\"node_type\":\"group\",\"attributes\":{}}"
                    .getBytes(StandardCharsets.UTF_8));
            w.put("cameras/cam0/c/0", "chunk-0".getBytes(StandardCharsets.UTF_8));
            w.put("cameras/cam0/c/1", new byte[700]);
        }
        return Files.readAllBytes(file);
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] withLong(byte[] src, int at, long v) {
        byte[] b = src.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
        return b;
    }

    private static byte[] withInt(byte[] src, int at, int v) {
        byte[] b = src.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
        return b;
    }

    private static byte[] flip(byte[] src, int at, int n) {
        byte[] b = src.clone();
        for (int i = at; i < Math.min(b.length, at + n); i++) {
            b[i] ^= (byte) 0x5A;
        }
        return b;
    }
}
