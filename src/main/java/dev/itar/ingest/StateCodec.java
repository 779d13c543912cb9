package dev.itar.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The binary form of everything the ingest application keeps in state stores and their changelogs. Each value
 * starts with a magic byte, the format version and a record type, then fields in a fixed order, so a value
 * written by another release is recognised — read if its version is known, refused with a message saying what
 * to do otherwise — and never misread. Field names are not stored: renaming a Java field changes nothing, and
 * changing a record's fields means a new format version here.
 *
 * <p>Releases before this format kept state as Jackson CBOR maps, whose first byte is a CBOR map head
 * (0xa0–0xbf); the magic byte is none of those, so such state is recognised too.
 */
final class StateCodec {
    /** First byte of every value. */
    static final byte MAGIC = (byte) 0xC9;
    /** The only format version this release writes and reads. */
    static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private StateCodec() {
    }

    static Writer writer(RecordType type) {
        return new Writer(type, 64);
    }

    /**
     * A writer whose buffer starts at {@code capacity} bytes: a value of exactly that size is built without growing
     * and handed out without a copy, which matters for multi-MB frame items.
     */
    static Writer writer(RecordType type, int capacity) {
        return new Writer(type, capacity);
    }

    /** Whether {@code value} is a state record of {@code type} by its type byte (its version is checked on reading). */
    static boolean isType(byte[] value, RecordType type) {
        return value.length > 2 && value[2] == type.code;
    }

    /**
     * @param what names the store and key, for the message when the value cannot be read
     * @throws StateFormatException the value is of another format version, another record type, or damaged
     */
    static Reader reader(byte[] value, RecordType type, String what) {
        if (value == null || value.length < 3) {
            throw new StateFormatException(what + ": state record of " + (value == null ? 0 : value.length)
                    + " bytes is too short to be one");
        }
        int first = value[0] & 0xff;
        if (value[0] != MAGIC) {
            if (first >= 0xa0 && first <= 0xbf) {
                throw new StateFormatException(what + ": state written by an itar-ingest release before state "
                        + "format " + VERSION + " (unversioned Jackson CBOR) cannot be read by this release; "
                        + "seal or drain open recordings before upgrading, or reset the application — see the "
                        + "README's \"Upgrading\"");
            }
            throw new StateFormatException(what + ": not an itar-ingest state record (first byte 0x"
                    + Integer.toHexString(first) + ")");
        }
        int version = value[1] & 0xff;
        if (version != VERSION) {
            throw new StateFormatException(what + ": state format version " + version + " is not the version "
                    + VERSION + " this release reads; " + (version > VERSION ? "it was written by a newer release"
                    + " — run that release, or reset the application (README \"Upgrading\")" : "see the README's "
                    + "\"Upgrading\""));
        }
        if (value[2] != type.code) {
            throw new StateFormatException(what + ": expected a " + type + " state record, found record type "
                    + (value[2] & 0xff));
        }
        return new Reader(value, what);
    }

    /** The kinds of record, one code each; a code is never reused for another kind. */
    enum RecordType {
        RECORDING_HEADER(1), FINGERPRINT(2), STATIC_POSE(3), INTRINSICS(4), SEALED(5), STREAM_TIME(6),
        FRAME_ITEM(7), POSE_ITEM(8), SEAL_REQUEST(9), FRAME_ENTRY(10), SEGMENT_MANIFEST(11), SEALED_MARKER(12),
        // wire format 1.1's records: new types, so every record above keeps its format 1 bytes
        COMPONENT_META(13), CAMERA_MASKS(14), CUBOID_ITEM(15),
        // a segment's item log entry of a frame whose nodes are written at ingest; FRAME_ENTRY is still read in
        // the item logs of segments an earlier release began
        WRITTEN_FRAME(16),
        // a frame's changelog value that names its input record instead of carrying its encoded chunks: a restore
        // re-reads that record and encodes it again; FRAME_ITEM values of earlier releases still restore as before
        FRAME_AT(17);

        final byte code;

        RecordType(int code) {
            this.code = (byte) code;
        }
    }

    /** Appends fields. */
    static final class Writer {
        private final Buffer bytes;
        private final DataOutputStream out;

        private Writer(RecordType type, int capacity) {
            bytes = new Buffer(capacity);
            out = new DataOutputStream(bytes);
            bytes.write(MAGIC);
            bytes.write(VERSION);
            bytes.write(type.code);
        }

        Writer i64(long v) {
            try {
                out.writeLong(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer i32(int v) {
            try {
                out.writeInt(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer bool(boolean v) {
            bytes.write(v ? 1 : 0);
            return this;
        }

        Writer bytes(byte[] b) {
            i32(b.length);
            bytes.write(b, 0, b.length);
            return this;
        }

        Writer str(String s) {
            return bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        /** A string or null. */
        Writer optStr(String s) {
            bool(s != null);
            return s == null ? this : str(s);
        }

        Writer optI64(Long v) {
            bool(v != null);
            return v == null ? this : i64(v);
        }

        /** A JSON value (meta data, model parameters) as its JSON text, or null. */
        Writer json(JsonNode node) {
            bool(node != null);
            if (node == null) {
                return this;
            }
            try {
                return bytes(JSON.writeValueAsBytes(node));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Writer doubles(double[] v) {
            i32(v.length);
            for (double d : v) {
                i64(Double.doubleToRawLongBits(d));
            }
            return this;
        }

        Writer longs(long[] v) {
            bool(v != null);
            if (v == null) {
                return this;
            }
            i32(v.length);
            for (long x : v) {
                i64(x);
            }
            return this;
        }

        /** Bytes written so far, the type header included. */
        int size() {
            return bytes.size();
        }

        byte[] toBytes() {
            return bytes.take();
        }
    }

    /** A byte buffer that gives away its array when it is exactly full. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int capacity) {
            super(capacity);
        }

        byte[] take() {
            return count == buf.length ? buf : Arrays.copyOf(buf, count);
        }
    }

    /** Reads fields in the order they were written. */
    static final class Reader {
        private final ByteBuffer in;
        private final String what;

        private Reader(byte[] value, String what) {
            this.in = ByteBuffer.wrap(value, 3, value.length - 3);
            this.what = what;
        }

        private void need(int n) {
            if (in.remaining() < n) {
                throw new StateFormatException(what + ": state record ends early (needs " + n + " more bytes at "
                        + in.position() + ")");
            }
        }

        long i64() {
            need(8);
            return in.getLong();
        }

        int i32() {
            need(4);
            return in.getInt();
        }

        boolean bool() {
            need(1);
            return in.get() != 0;
        }

        byte[] bytes() {
            int n = i32();
            if (n < 0) {
                throw new StateFormatException(what + ": negative length " + n + " in a state record");
            }
            need(n);
            byte[] b = new byte[n];
            in.get(b);
            return b;
        }

        /** Where the next field starts and how many bytes follow it, for a field read in place. */
        int position() {
            return in.position();
        }

        void skip(int n) {
            need(n);
            in.position(in.position() + n);
        }

        String str() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        String optStr() {
            return bool() ? str() : null;
        }

        Long optI64() {
            return bool() ? i64() : null;
        }

        ObjectNode jsonObject() {
            if (!bool()) {
                return null;
            }
            try {
                JsonNode n = JSON.readTree(bytes());
                if (!(n instanceof ObjectNode o)) {
                    throw new StateFormatException(what + ": expected a JSON object in a state record");
                }
                return o;
            } catch (IOException e) {
                throw new StateFormatException(what + ": damaged JSON in a state record: " + e.getMessage());
            }
        }

        double[] doubles() {
            int n = i32();
            need(n * 8);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = Double.longBitsToDouble(in.getLong());
            }
            return v;
        }

        long[] longs() {
            if (!bool()) {
                return null;
            }
            int n = i32();
            need(n * 8);
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = in.getLong();
            }
            return v;
        }

        /** The record must end here. */
        void end() {
            if (in.hasRemaining()) {
                throw new StateFormatException(what + ": " + in.remaining() + " unexpected bytes after a state record");
            }
        }
    }
}
