package dev.itar.archive;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
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

    /**
     * Decodes and validates the index of {@code file}.
     *
     * @param indexOffset where the index payload starts; every payload must end, padded, at least two
     *                    blocks (the tar end marker) before it
     * @return entries in offset order
     */
    static List<IndexEntry> decode(String file, byte[] xz, long indexOffset) throws ArchiveFormatException {
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
        List<IndexEntry> entries = parseTable(file, cbor, "index at offset " + indexOffset);
        entries.sort(Comparator.comparingLong(IndexEntry::offset));
        checkLayout(file, entries, indexOffset);
        return entries;
    }

    /** Payloads must be 512-aligned, preceded by a header block, disjoint, and end before the end marker. */
    private static void checkLayout(String file, List<IndexEntry> entries, long indexOffset)
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

    /**
     * Streams the CBOR table into entries without building a tree (a 100 000-key index is 300 000 values).
     * Unknown top-level fields are skipped; the three arrays must be present, of equal length, and of
     * the right element types.
     */
    private static List<IndexEntry> parseTable(String file, byte[] cbor, String where) throws ArchiveFormatException {
        List<String> keys = null;
        long[] offsets = null;
        long[] sizes = null;
        try (JsonParser p = Cbor.parser(cbor)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw ArchiveFormatException.at(file, where + " is a CBOR " + describe(t)
                        + ", expected a map with items, offset_datas, sizes");
            }
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "items" -> keys = strings(file, p, v, where);
                    case "offset_datas" -> offsets = longs(file, p, v, where, field);
                    case "sizes" -> sizes = longs(file, p, v, where, field);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw ArchiveFormatException.at(file, where + " has trailing bytes after the CBOR map");
            }
        } catch (IOException e) {
            throw ArchiveFormatException.at(file, where + " is not valid CBOR: " + e.getMessage(), e);
        }
        if (keys == null || offsets == null || sizes == null) {
            throw ArchiveFormatException.at(file, where + " lacks "
                    + (keys == null ? "'items'" : offsets == null ? "'offset_datas'" : "'sizes'") + " array");
        }
        if (keys.size() != offsets.length || keys.size() != sizes.length) {
            throw ArchiveFormatException.at(file, where + " has arrays of different lengths: items "
                    + keys.size() + ", offset_datas " + offsets.length + ", sizes " + sizes.length);
        }
        List<IndexEntry> entries = new ArrayList<>(keys.size());
        Set<String> seen = new HashSet<>(keys.size() * 2);
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            if (!seen.add(key)) {
                throw ArchiveFormatException.at(file, where + " lists key '" + key + "' more than once");
            }
            entries.add(new IndexEntry(key, offsets[i], sizes[i]));
        }
        return entries;
    }

    private static List<String> strings(String file, JsonParser p, JsonToken start, String where)
            throws IOException, ArchiveFormatException {
        requireArray(file, start, where, "items");
        List<String> out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING) {
                throw ArchiveFormatException.at(file, where + ": items[" + out.size() + "] is a " + describe(t)
                        + ", expected a text key");
            }
            out.add(p.getText());
        }
        return out;
    }

    private static long[] longs(String file, JsonParser p, JsonToken start, String where, String field)
            throws IOException, ArchiveFormatException {
        requireArray(file, start, where, field);
        long[] out = new long[1024];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    || p.getLongValue() < 0) {
                throw ArchiveFormatException.at(file, where + ": " + field + "[" + n + "] is "
                        + (t == JsonToken.VALUE_NUMBER_INT ? p.getText() : "a " + describe(t))
                        + ", expected a non-negative integer");
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = p.getLongValue();
        }
        return Arrays.copyOf(out, n);
    }

    private static void requireArray(String file, JsonToken t, String where, String field)
            throws ArchiveFormatException {
        if (t != JsonToken.START_ARRAY) {
            throw ArchiveFormatException.at(file, where + ": '" + field + "' is a " + describe(t)
                    + ", expected an array");
        }
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "map";
            case START_ARRAY -> "array";
            case VALUE_STRING -> "text string";
            case VALUE_NUMBER_INT -> "integer";
            case VALUE_NUMBER_FLOAT -> "float";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            case VALUE_EMBEDDED_OBJECT -> "byte string";
            default -> t.name();
        };
    }
}
