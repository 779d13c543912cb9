package dev.itar.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One archive under construction: segment {@code segment} of recording {@code recordingId} (segment 0 is the
 * whole recording when recordings are not cut). Its changelog keys are {@code id 00 segment(4 bytes) 00 kind
 * [item]}, so all of a segment's keys share one prefix and byte order groups them.
 */
record SegmentKey(String recordingId, int segment) implements Comparable<SegmentKey> {
    /** Kinds of changelog keys of a segment. */
    static final byte FRAME = 'f';
    static final byte POSE = 'p';
    static final byte CUBOID = 'c';
    static final byte COMPONENT_META = 'm';
    static final byte CAMERA_MASKS = 'k';
    static final byte SEAL = 'S';

    SegmentKey {
        if (segment < 0) {
            throw new IllegalArgumentException("negative segment " + segment + " of recording '" + recordingId + "'");
        }
    }

    /** File name stem of the segment's files in the store directory: recording ids are file-name safe. */
    String fileStem() {
        return recordingId + "." + segment;
    }

    /** The changelog key of an item of this segment. */
    byte[] key(byte kind, String item) {
        byte[] id = recordingId.getBytes(StandardCharsets.UTF_8);
        byte[] it = item.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(id.length + 7 + (it.length == 0 ? 0 : it.length + 1));
        b.put(id).put((byte) 0).putInt(segment).put((byte) 0).put(kind);
        if (it.length > 0) {
            b.put((byte) 0).put(it);
        }
        return b.array();
    }

    /** The segment a changelog key belongs to. */
    static SegmentKey of(byte[] key) {
        int sep = indexOf(key, 0);
        if (sep < 1 || key.length < sep + 7 || key[sep + 5] != 0) {
            throw new StateFormatException("not a key of the unsealed-archive store: "
                    + Arrays.toString(Arrays.copyOf(key, Math.min(key.length, 40))));
        }
        String id = new String(key, 0, sep, StandardCharsets.UTF_8);
        int segment = ByteBuffer.wrap(key, sep + 1, 4).getInt();
        return new SegmentKey(id, segment);
    }

    /** The kind byte of a changelog key ({@link #FRAME}, {@link #POSE}, {@link #CUBOID}, ..., {@link #SEAL}). */
    static byte kind(byte[] key) {
        return key[indexOf(key, 0) + 6];
    }

    private static int indexOf(byte[] b, int value) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int compareTo(SegmentKey o) {
        int c = recordingId.compareTo(o.recordingId);
        return c != 0 ? c : Integer.compare(segment, o.segment);
    }
}
