package dev.itar.zarr;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.itar.archive.ArchiveFormatException;
import dev.itar.archive.Compression;
import dev.itar.archive.IndexEntry;
import dev.itar.archive.IndexedTarReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Reading the compressed root {@code zarr.json} in its three spellings ({@link RootDialect}), and the zarr v2
 * consolidated metadata {@code .zmetadata.cbor.xz}, from an archive's raw members. The container stores them as
 * any other member; what they mean is zarr's. (Writing the root: {@link ConsolidatedMetadata}.)
 */
public final class ConsolidatedRoot {
    /** The key a zarr reader asks for: the root document, served from whichever compressed root exists. */
    public static final String ROOT_KEY = "zarr.json";
    static final String LEGACY_V2_KEY = ".zmetadata.cbor.xz";
    /** A root larger than this when decoded is refused rather than risk running out of memory. */
    static final long MAX_DECODED_ROOT = 512L * 1024 * 1024;
    private static final ObjectMapper CBOR = new CBORMapper();
    /** JSON as zarr-python reads and writes it: NaN/Infinity are bare literals, not strings. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    private ConsolidatedRoot() {}

    /** Which compressed root {@code in} carries, if any (zarr format 3 archives). */
    public static Optional<RootDialect> dialect(IndexedTarReader in) {
        for (RootDialect d : RootDialect.values()) {
            if (in.contains(d.key())) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /**
     * The payload stored under {@code key} as a zarr reader sees it: {@code "zarr.json"} is the JSON root
     * document decoded from whichever compressed root exists (PR68's envelope removed), else a plain member of
     * that name if there is one; any other key is its member's raw bytes.
     *
     * @throws IOException a read failed, or the compressed root is damaged (cause: ArchiveFormatException)
     */
    public static Optional<byte[]> get(IndexedTarReader in, String key) throws IOException {
        if (key.equals(ROOT_KEY)) {
            Optional<RootDialect> dialect = dialect(in);
            if (dialect.isPresent()) {
                IndexEntry e = in.entry(dialect.get().key()).orElseThrow();
                try {
                    return Optional.of(decode(in.name(), dialect.get(), e, in.get(e.key()).orElseThrow()));
                } catch (ArchiveFormatException x) {
                    throw new IOException(x.getMessage(), x);
                }
            }
        }
        return in.get(key);
    }

    /** The v2 consolidated metadata ({@code .zmetadata.cbor.xz}, envelope removed) as JSON, if present. */
    public static Optional<byte[]> legacyJson(IndexedTarReader in) throws IOException {
        Optional<IndexEntry> found = in.entry(LEGACY_V2_KEY);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        IndexEntry e = found.get();
        String name = in.name();
        byte[] stored = in.get(e.key()).orElseThrow();
        String where = "legacy consolidated metadata '" + e.key() + "' at offset " + e.offset();
        try {
            byte[] cbor;
            try {
                cbor = Compression.unxz(stored, Math.min(MAX_DECODED_ROOT, Math.max(1L << 20, stored.length * 2000L)));
            } catch (IOException x) {
                throw at(name, where + " does not decompress: " + x.getMessage(), x);
            }
            return Optional.of(toJson(unwrap(name, where, decodeMap(name, where, cbor))));
        } catch (ArchiveFormatException x) {
            throw new IOException(x.getMessage(), x);
        }
    }

    /** Decodes a stored root back to the zarr.json document (JSON bytes), unwrapping the PR68 envelope. */
    static byte[] decode(String file, RootDialect dialect, IndexEntry entry, byte[] stored)
            throws ArchiveFormatException {
        String where = "compressed root '" + entry.key() + "' at offset " + entry.offset();
        long limit = Math.min(MAX_DECODED_ROOT, Math.max(1L << 20, stored.length * 2000L));
        byte[] cbor;
        try {
            cbor = dialect == RootDialect.NCORE20_ZLIB ? Compression.unzlib(stored, limit)
                    : Compression.unxz(stored, limit);
        } catch (IOException e) {
            throw at(file, where + " does not decompress: " + e.getMessage(), e);
        }
        JsonNode doc = decodeMap(file, where, cbor);
        if (dialect == RootDialect.PR68) {
            doc = unwrap(file, where, doc);
        }
        return toJson(doc);
    }

    private static JsonNode decodeMap(String file, String where, byte[] cbor) throws ArchiveFormatException {
        JsonNode doc;
        try {
            doc = decodeCbor(cbor);
        } catch (IOException e) {
            throw at(file, where + " is not valid CBOR: " + e.getMessage(), e);
        }
        if (!doc.isObject()) {
            throw new ArchiveFormatException(file + ": " + where + " holds a CBOR " + doc.getNodeType()
                    + ", expected a map");
        }
        return doc;
    }

    /** Unwraps {"zarr_consolidated_format": 1, "metadata": {...}} (PR68 and v2 .zmetadata.cbor.xz). */
    static JsonNode unwrap(String file, String where, JsonNode envelope) throws ArchiveFormatException {
        JsonNode format = envelope.get("zarr_consolidated_format");
        if (format == null || !format.isIntegralNumber() || format.asLong() != 1) {
            throw new ArchiveFormatException(file + ": " + where + ": unsupported zarr_consolidated_format " + format
                    + " (expected 1)");
        }
        JsonNode metadata = envelope.get("metadata");
        if (metadata == null || !metadata.isObject()) {
            throw new ArchiveFormatException(file + ": " + where + ": 'metadata' is missing or not a map");
        }
        return metadata;
    }

    /** Decodes one CBOR data item; throws on malformed input or trailing bytes. */
    private static JsonNode decodeCbor(byte[] cbor) throws IOException {
        try (var parser = CBOR.createParser(cbor)) {
            JsonNode node = CBOR.readTree(parser);
            if (node == null) {
                throw new IOException("empty CBOR document");
            }
            if (parser.nextToken() != null) {
                throw new IOException("trailing bytes after the CBOR data item");
            }
            return node;
        }
    }

    private static byte[] toJson(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Message prefixed with the file path or object URI, the form every archive error takes. */
    private static ArchiveFormatException at(String file, String what, Throwable cause) {
        return new ArchiveFormatException(file + ": " + what, cause);
    }
}
