package dev.itar.archive;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * Reading the compressed root {@code zarr.json} in its three spellings ({@link RootDialect}), so that a reader
 * asked for {@code zarr.json} can serve it. (Writing it is the zarr layer's: {@code dev.itar.zarr}.)
 */
final class ConsolidatedRoot {
    static final String ROOT_KEY = "zarr.json";
    /** A root larger than this when decoded is refused rather than risk running out of memory. */
    static final long MAX_DECODED_ROOT = 512L * 1024 * 1024;

    private ConsolidatedRoot() {}

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
            throw ArchiveFormatException.at(file, where + " does not decompress: " + e.getMessage(), e);
        }
        JsonNode doc;
        try {
            doc = Cbor.decode(cbor);
        } catch (IOException e) {
            throw ArchiveFormatException.at(file, where + " is not valid CBOR: " + e.getMessage(), e);
        }
        if (!doc.isObject()) {
            throw ArchiveFormatException.at(file, where + " holds a CBOR " + doc.getNodeType() + ", expected a map");
        }
        if (dialect == RootDialect.PR68) {
            doc = unwrap(file, where, doc);
        }
        return Cbor.toJson(doc);
    }

    /** Unwraps {"zarr_consolidated_format": 1, "metadata": {...}} (PR68 and v2 .zmetadata.cbor.xz). */
    static JsonNode unwrap(String file, String where, JsonNode envelope) throws ArchiveFormatException {
        JsonNode format = envelope.get("zarr_consolidated_format");
        if (format == null || !format.isIntegralNumber() || format.asLong() != 1) {
            throw ArchiveFormatException.at(file, where + ": unsupported zarr_consolidated_format " + format
                    + " (expected 1)");
        }
        JsonNode metadata = envelope.get("metadata");
        if (metadata == null || !metadata.isObject()) {
            throw ArchiveFormatException.at(file, where + ": 'metadata' is missing or not a map");
        }
        return metadata;
    }
}
