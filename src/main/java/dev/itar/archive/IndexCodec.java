package dev.itar.archive;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The index payload: XZ of a CBOR map {"items": [key…], "offset_datas": [offset…], "sizes": [size…]},
 * sorted by offset. Decoding checks everything a hostile file could lie about.
 */
final class IndexCodec {
    private static final int BLOCK = IndexHeader.BLOCK;

    private IndexCodec() {}

    /** Encodes entries (any order) sorted by offset, XZ-compressed. */
    static byte[] encode(List<IndexEntry> entries) {
        List<IndexEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(IndexEntry::offset));
        return Compression.xz(Cbor.encodeIndex(sorted));
    }

    /**
     * Decodes and validates the index of {@code file}.
     *
     * @param indexOffset where the index payload starts; every payload must end, padded, at least two
     *                    blocks (the tar end marker) before it
     * @return entries in offset order
     */
    static List<IndexEntry> decode(Path file, byte[] xz, long indexOffset) throws ArchiveFormatException {
        // A genuine index never decodes to more than the tar records before it: each entry costs at least
        // one 512-byte header block (plus a PAX block holding any key over 100 bytes), and its CBOR costs
        // at most its key plus 27 bytes.
        long maxDecoded = Math.min(indexOffset + 4096, Integer.MAX_VALUE - 64);
        byte[] cbor;
        try {
            cbor = Compression.unxz(xz, maxDecoded);
        } catch (IOException e) {
            throw ArchiveFormatException.at(file, "index at offset " + indexOffset + " does not decode: "
                    + e.getMessage(), e);
        }
        JsonNode table;
        try {
            table = Cbor.decode(cbor);
        } catch (IOException e) {
            throw ArchiveFormatException.at(file, "index at offset " + indexOffset + " is not valid CBOR: "
                    + e.getMessage(), e);
        }
        String where = "index at offset " + indexOffset;
        if (!table.isObject()) {
            throw ArchiveFormatException.at(file, where + " is a CBOR " + table.getNodeType()
                    + ", expected a map with items, offset_datas, sizes");
        }
        JsonNode items = array(file, table, "items", where);
        JsonNode offsets = array(file, table, "offset_datas", where);
        JsonNode sizes = array(file, table, "sizes", where);
        if (items.size() != offsets.size() || items.size() != sizes.size()) {
            throw ArchiveFormatException.at(file, where + " has arrays of different lengths: items "
                    + items.size() + ", offset_datas " + offsets.size() + ", sizes " + sizes.size());
        }
        List<IndexEntry> entries = new ArrayList<>(items.size());
        Set<String> seen = new HashSet<>(items.size() * 2);
        for (int i = 0; i < items.size(); i++) {
            JsonNode k = items.get(i);
            if (!k.isTextual()) {
                throw ArchiveFormatException.at(file, where + ": items[" + i + "] is a " + k.getNodeType()
                        + ", expected a text key");
            }
            String key = k.textValue();
            long offset = nonNegativeLong(file, offsets.get(i), where, "offset_datas", i, key);
            long size = nonNegativeLong(file, sizes.get(i), where, "sizes", i, key);
            if (!seen.add(key)) {
                throw ArchiveFormatException.at(file, where + " lists key '" + key + "' more than once");
            }
            entries.add(new IndexEntry(key, offset, size));
        }
        entries.sort(Comparator.comparingLong(IndexEntry::offset));
        checkLayout(file, entries, indexOffset);
        return entries;
    }

    /** Payloads must be 512-aligned, preceded by a header block, disjoint, and end before the end marker. */
    private static void checkLayout(Path file, List<IndexEntry> entries, long indexOffset)
            throws ArchiveFormatException {
        long recordsEnd = indexOffset - 2L * BLOCK; // the two zero end blocks precede the index
        long nextFree = BLOCK; // first payload can start after one header block
        String previous = null;
        for (IndexEntry e : entries) {
            if (e.offset() % BLOCK != 0) {
                throw ArchiveFormatException.at(file, "index entry '" + e.key() + "' has payload offset "
                        + e.offset() + ", not on a 512-byte block boundary");
            }
            if (e.offset() < nextFree) {
                throw ArchiveFormatException.at(file, "index entry '" + e.key() + "' at offset " + e.offset()
                        + (previous == null ? " leaves no room for its tar header"
                                : " overlaps entry '" + previous + "' (which, with the next header, extends to "
                                        + nextFree + ")"));
            }
            if (e.size() > recordsEnd || e.offset() + padded(e.size()) > recordsEnd) {
                throw ArchiveFormatException.at(file, "index entry '" + e.key() + "' at offset " + e.offset()
                        + " with size " + e.size() + " runs into the end marker / index at offset "
                        + indexOffset);
            }
            nextFree = e.offset() + padded(e.size()) + BLOCK;
            previous = e.key();
        }
    }

    static long padded(long n) {
        return (n + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static JsonNode array(Path file, JsonNode table, String name, String where)
            throws ArchiveFormatException {
        JsonNode a = table.get(name);
        if (a == null) {
            throw ArchiveFormatException.at(file, where + " has no '" + name + "' array");
        }
        if (!a.isArray()) {
            throw ArchiveFormatException.at(file, where + ": '" + name + "' is a " + a.getNodeType()
                    + ", expected an array");
        }
        return a;
    }

    private static long nonNegativeLong(Path file, JsonNode n, String where, String array, int i, String key)
            throws ArchiveFormatException {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
            throw ArchiveFormatException.at(file, where + ": " + array + "[" + i + "] for key '" + key + "' is "
                    + n + ", expected a non-negative integer");
        }
        return n.longValue();
    }

}
