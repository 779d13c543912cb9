package dev.itar.frames;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Structural pre-check of a record value before Jackson builds a tree from it. It rejects, with
 * the byte offset, everything the wire format does not allow but Jackson would silently accept or
 * report vaguely: a top level that is not exactly one map (trailing bytes), non-text map keys
 * (Jackson turns integer keys into text), tags, simple values other than false/true/null,
 * invalid UTF-8, and nesting deeper than the limit. It also compares every declared length and
 * element count with the bytes that remain, so a header claiming 2^62 bytes fails here in O(1)
 * without allocating anything. Recursion is bounded by {@code maxDepth}.
 */
final class CborScanner {
    private final byte[] in;
    private final int maxDepth;
    private int pos;

    private CborScanner(byte[] in, int maxDepth) {
        this.in = in;
        this.maxDepth = maxDepth;
    }

    static void check(byte[] value, int maxDepth) throws InvalidRecordException {
        if (value.length == 0) {
            throw bad("record value is empty; it must be one CBOR map");
        }
        int major = (value[0] & 0xFF) >>> 5;
        if (major != 5) {
            throw bad("record value must be one CBOR map, but it starts with a " + MAJOR_NAMES[major]
                    + " (initial byte 0x" + hex(value[0]) + ")");
        }
        CborScanner scanner = new CborScanner(value, maxDepth);
        scanner.item(0, false);
        if (scanner.pos != value.length) {
            throw bad("record value has " + (value.length - scanner.pos) + " trailing bytes after the CBOR map"
                    + " (map ends at byte offset " + scanner.pos + " of " + value.length + ")");
        }
    }

    private static final String[] MAJOR_NAMES = {
            "unsigned integer", "negative integer", "byte string", "text string",
            "array", "map", "tag", "float or simple value"};

    private static InvalidRecordException bad(String reason) {
        return new InvalidRecordException(InvalidRecordException.BAD_CBOR, reason);
    }

    private static String hex(byte b) {
        return String.format("%02x", b & 0xFF);
    }

    private int remaining() {
        return in.length - pos;
    }

    private void need(long bytes, String what, int at) throws InvalidRecordException {
        // bytes < 0 means a uint64 argument >= 2^63: certainly more than remains
        if (bytes < 0 || bytes > remaining()) {
            throw bad("CBOR " + what + " at byte offset " + at + " declares "
                    + Long.toUnsignedString(bytes) + " but only " + remaining() + " bytes remain (truncated record?)");
        }
    }

    private int initialByte() throws InvalidRecordException {
        if (pos >= in.length) {
            throw bad("CBOR data ends unexpectedly at byte offset " + pos + " (truncated record)");
        }
        return in[pos++] & 0xFF;
    }

    /** Reads the argument for additional info {@code ai}; returns it as an unsigned long in a long. */
    private long argument(int ai, int at) throws InvalidRecordException {
        if (ai < 24) {
            return ai;
        }
        int size = switch (ai) {
            case 24 -> 1;
            case 25 -> 2;
            case 26 -> 4;
            case 27 -> 8;
            default -> throw bad("CBOR item at byte offset " + at + " uses reserved additional information " + ai);
        };
        need(size, "argument", at);
        long value = 0;
        for (int i = 0; i < size; i++) {
            value = (value << 8) | (in[pos++] & 0xFF);
        }
        return value;
    }

    private void item(int depth, boolean isKey) throws InvalidRecordException {
        int at = pos;
        int ib = initialByte();
        int major = ib >>> 5;
        int ai = ib & 0x1F;
        if (ib == 0xFF) {
            throw bad("unexpected CBOR 'break' at byte offset " + at);
        }
        if (isKey && major != 3) {
            throw bad("map key at byte offset " + at + " is a " + MAJOR_NAMES[major]
                    + "; all map keys must be text strings");
        }
        switch (major) {
            case 0, 1 -> {
                if (ai == 31) {
                    throw bad("CBOR integer at byte offset " + at + " has invalid additional information 31");
                }
                argument(ai, at);
            }
            case 2, 3 -> {
                if (ai == 31) {
                    indefiniteString(major, at);
                } else {
                    string(major, argument(ai, at), at);
                }
            }
            case 4, 5 -> container(major, ai, depth + 1, at);
            case 6 -> throw bad("CBOR tag " + Long.toUnsignedString(argument(ai, at)) + " at byte offset " + at
                    + " is not allowed; the wire format uses no tags");
            default -> simple(ai, at);
        }
    }

    private void string(int major, long length, int at) throws InvalidRecordException {
        need(length, MAJOR_NAMES[major] + " of " + Long.toUnsignedString(length) + " bytes", at);
        if (major == 3 && !isAscii(pos, (int) length)) {
            try {
                StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(in, pos, (int) length));
            } catch (CharacterCodingException e) {
                throw bad("text string at byte offset " + at + " is not valid UTF-8");
            }
        }
        pos += (int) length;
    }

    /** Pure ASCII is valid UTF-8: nearly every text string, checked without a decoder and its buffers. */
    private boolean isAscii(int from, int length) {
        for (int i = from, end = from + length; i < end; i++) {
            if (in[i] < 0) {
                return false;
            }
        }
        return true;
    }

    private void indefiniteString(int major, int at) throws InvalidRecordException {
        while (true) {
            int chunkAt = pos;
            int ib = initialByte();
            if (ib == 0xFF) {
                return;
            }
            if (ib >>> 5 != major || (ib & 0x1F) == 31) {
                throw bad("indefinite-length " + MAJOR_NAMES[major] + " at byte offset " + at
                        + " has an invalid chunk at byte offset " + chunkAt + " (initial byte 0x" + hex((byte) ib) + ")");
            }
            string(major, argument(ib & 0x1F, chunkAt), chunkAt);
        }
    }

    private void container(int major, int ai, int depth, int at) throws InvalidRecordException {
        if (depth > maxDepth) {
            throw new InvalidRecordException(InvalidRecordException.TOO_LARGE, "CBOR nesting at byte offset " + at
                    + " is deeper than the limit of " + maxDepth + " levels");
        }
        boolean map = major == 5;
        if (ai == 31) {
            while (true) {
                if (pos < in.length && (in[pos] & 0xFF) == 0xFF) {
                    pos++;
                    return;
                }
                item(depth, map);
                if (map) {
                    valueAfterKey(depth, at);
                }
            }
        }
        long count = argument(ai, at);
        // every element takes at least one byte: a count larger than what remains is a lie
        long minBytes = map ? 2 : 1;
        if (count < 0 || count > remaining() / minBytes) {
            throw bad("CBOR " + MAJOR_NAMES[major] + " at byte offset " + at + " declares "
                    + Long.toUnsignedString(count) + " entries but only " + remaining() + " bytes remain (truncated record?)");
        }
        for (long i = 0; i < count; i++) {
            item(depth, map);
            if (map) {
                valueAfterKey(depth, at);
            }
        }
    }

    private void valueAfterKey(int depth, int mapAt) throws InvalidRecordException {
        if (pos < in.length && (in[pos] & 0xFF) == 0xFF) {
            throw bad("CBOR map at byte offset " + mapAt + " has a key without a value (a 'break' at byte offset " + pos + ")");
        }
        item(depth, false);
    }

    private void simple(int ai, int at) throws InvalidRecordException {
        switch (ai) {
            case 20, 21, 22 -> {
                // false, true, null
            }
            case 25 -> argument(25, at);
            case 26 -> argument(26, at);
            case 27 -> argument(27, at);
            case 23 -> throw bad("CBOR 'undefined' at byte offset " + at + " is not allowed; use null or omit the field");
            default -> throw bad("CBOR simple value (additional information " + ai + ") at byte offset " + at
                    + " is not allowed; only false, true, null and floats are");
        }
    }
}
