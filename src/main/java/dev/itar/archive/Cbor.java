package dev.itar.archive;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.IOException;
import java.util.Iterator;

/**
 * Deterministic CBOR for the archive's index and for metadata writers, and a streaming parser for the index. Every map and array is
 * written with a definite length, as Python's cbor2 does; Jackson's generator only writes definite lengths when
 * it is told the size up front, so writers give sizes and write text as UTF-8 bytes.
 */
public final class Cbor {
    private static final CBORFactory FACTORY = CBORFactory.builder()
            .enable(CBORGenerator.Feature.WRITE_MINIMAL_INTS)
            .disable(CBORGenerator.Feature.WRITE_TYPE_HEADER)
            .disable(CBORGenerator.Feature.STRINGREF)
            .disable(CBORGenerator.Feature.WRITE_MINIMAL_DOUBLES)
            .build();

    private Cbor() {}

    /**
     * A generator of the archive's deterministic CBOR into {@code out}: minimal integers, 8-byte floats, no type
     * header, no string references. Definite lengths are the caller's to give; text should be written as UTF-8
     * bytes ({@code writeUTF8String}) so long strings keep a definite length too.
     */
    public static JsonGenerator generator(java.io.OutputStream out) throws IOException {
        return FACTORY.createGenerator(out);
    }

    /** One pass over the index entries, in offset order. */
    interface EntryPass {
        Iterator<MemberIndexFile.Entry> open() throws IOException;
    }

    /**
     * Writes the index table {"items": [key…], "offset_datas": [offset…], "sizes": [size…]} of {@code n} entries,
     * all lengths definite, taking three passes over the entries so none is held in memory.
     */
    static void writeIndex(JsonGenerator gen, long n, EntryPass pass) throws IOException {
        writeIndexEnd(gen, writeIndexBeforeLastSize(gen, n, pass));
    }

    /**
     * {@link #writeIndex} up to the size of its last entry, which {@link #writeIndexEnd} then writes (the size
     * the pass gives the last entry is not written, only returned: -1 if there are no entries).
     */
    static long writeIndexBeforeLastSize(JsonGenerator gen, long n, EntryPass pass) throws IOException {
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("an index of " + n + " entries is too large");
        }
        gen.writeStartObject(null, 3);
        gen.writeFieldName("items");
        gen.writeStartArray(null, (int) n);
        for (Iterator<MemberIndexFile.Entry> it = pass.open(); it.hasNext(); ) {
            byte[] k = it.next().keyUtf8();
            gen.writeUTF8String(k, 0, k.length);
        }
        gen.writeEndArray();
        gen.writeFieldName("offset_datas");
        gen.writeStartArray(null, (int) n);
        for (Iterator<MemberIndexFile.Entry> it = pass.open(); it.hasNext(); ) {
            gen.writeNumber(it.next().offset());
        }
        gen.writeEndArray();
        gen.writeFieldName("sizes");
        gen.writeStartArray(null, (int) n);
        long last = -1;
        for (Iterator<MemberIndexFile.Entry> it = pass.open(); it.hasNext(); ) {
            long size = it.next().size();
            if (it.hasNext()) {
                gen.writeNumber(size);
            } else {
                last = size;
            }
        }
        return last;
    }

    /** The rest of the index after {@link #writeIndexBeforeLastSize}: the last entry's size (none if -1). */
    static void writeIndexEnd(JsonGenerator gen, long lastSize) throws IOException {
        if (lastSize >= 0) {
            gen.writeNumber(lastSize);
        }
        gen.writeEndArray();
        gen.writeEndObject();
    }

    /** The length of what {@link #writeIndex} writes, from one pass over the entries. */
    static long indexLength(long n, Iterator<MemberIndexFile.Entry> pass) {
        long length = 1 + textLength(5) + head(n) + textLength(12) + head(n) + textLength(5) + head(n);
        while (pass.hasNext()) {
            MemberIndexFile.Entry e = pass.next();
            length += textLength(e.keyUtf8().length) + head(e.offset()) + head(e.size());
        }
        return length;
    }

    private static long textLength(int utf8Bytes) {
        return head(utf8Bytes) + utf8Bytes;
    }

    /** Bytes of a CBOR head (major type and argument) for argument {@code v}. */
    private static long head(long v) {
        return v < 24 ? 1 : v < 0x100 ? 2 : v < 0x10000 ? 3 : v < 0x1_0000_0000L ? 5 : 9;
    }

    /** CBOR major type 3: a text string. */
    public static final int TEXT = 3;
    /** CBOR major type 5: a map. */
    public static final int MAP = 5;

    /**
     * Writes a CBOR head, as a generator would, for content written around a generator (e.g. a map whose entries
     * were encoded earlier): {@code major} type and the shortest encoding of the non-negative {@code argument}.
     */
    public static void writeHead(java.io.OutputStream out, int major, long argument) throws IOException {
        int m = major << 5;
        if (argument < 24) {
            out.write(m | (int) argument);
        } else if (argument < 0x100) {
            out.write(m | 24);
            out.write((int) argument);
        } else if (argument < 0x10000) {
            out.write(m | 25);
            out.write((int) (argument >>> 8));
            out.write((int) argument);
        } else if (argument < 0x1_0000_0000L) {
            out.write(m | 26);
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write((int) (argument >>> shift));
            }
        } else {
            out.write(m | 27);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (argument >>> shift));
            }
        }
    }

    /** A streaming parser over CBOR bytes. */
    static com.fasterxml.jackson.core.JsonParser parser(byte[] cbor) throws IOException {
        return FACTORY.createParser(cbor);
    }
}
