package dev.itar.ingest;

import org.apache.kafka.common.utils.Bytes;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keys of the ingest state stores. Every key starts with the recording id and a 0x00 byte, so all of a
 * recording's entries are one contiguous key range ({@link #recordingRange}); 0x00 separates the parts of
 * a sub-key too, so a shorter name sorts before a longer one that extends it ({@code a} before {@code a-b})
 * exactly as {@link String#compareTo} orders them. Numbers are zero-padded to 20 digits so byte order is
 * numeric order. Recording ids, sensor and frame names never contain 0x00 (the wire format forbids it).
 *
 * <pre>
 * recording-state:   id 00                                                 → RecordingHeader
 *                    id 00 'f' 00 segment 00 component 00 sensor 00 t1 00  → fingerprint of the frame's record
 *                    id 00 'p' 00 segment 00 source 00 target 00 t 00      → fingerprint of the pose's record
 *                    id 00 's' 00 source 00 target 00                      → static pose + fingerprint
 *                    id 00 'i' 00 kind 00 sensor 00                        → intrinsics + fingerprint
 *                    id 00 'm' 00 component 00 instance 00                 → component meta data + fingerprint
 *                    id 00 'k' 00 instance 00 camera 00                    → camera masks + fingerprint
 *                    id 00 'c' 00 segment 00 instance 00 hex(track id) 00 timestamp 00 reference frame 00
 *                                                                          → fingerprint of the observation's record
 * sealed-recordings: id                                                 → SealedRecording
 *                    00 "stream-time"                                   → the task's stream time (never an id)
 * </pre>
 * A fingerprint is a {@link RecordFingerprint}. The fingerprints of a segment's frames, poses and cuboid
 * observations are one key range each, dropped when the segment is sealed. A track id is free text (it may hold
 * 0x00), so its key part is the hex of its UTF-8 bytes.
 */
final class StoreKeys {
    static final byte SEP = 0;
    static final String FRAME = "f";
    static final String POSE = "p";
    static final String STATIC_POSE = "s";
    static final String INTRINSICS = "i";
    static final String COMPONENT_META = "m";
    static final String CAMERA_MASKS = "k";
    static final String CUBOID = "c";
    /** Key of the task's persisted stream time in the sealed-recordings store: 0x00 never starts a recording id. */
    static final Bytes STREAM_TIME = Bytes.wrap("\0stream-time".getBytes(StandardCharsets.UTF_8));

    private StoreKeys() {
    }

    /** {@code id 00}: also the key of the recording's header. */
    static Bytes header(String recordingId) {
        return key(recordingId);
    }

    static Bytes frame(String recordingId, int segment, String component, String sensor, long t1) {
        return key(recordingId, FRAME, pad(segment), component, sensor, pad(t1));
    }

    static Bytes pose(String recordingId, int segment, String source, String target, long t) {
        return key(recordingId, POSE, pad(segment), source, target, pad(t));
    }

    static Bytes staticPose(String recordingId, String source, String target) {
        return key(recordingId, STATIC_POSE, source, target);
    }

    static Bytes intrinsics(String recordingId, String kind, String sensor) {
        return key(recordingId, INTRINSICS, kind, sensor);
    }

    static Bytes componentMeta(String recordingId, String component, String instance) {
        return key(recordingId, COMPONENT_META, component, instance);
    }

    static Bytes cameraMasks(String recordingId, String instance, String camera) {
        return key(recordingId, CAMERA_MASKS, instance, camera);
    }

    static Bytes cuboid(String recordingId, int segment, String instance, String trackId, long timestampUs,
                        String referenceFrameId) {
        return key(recordingId, CUBOID, pad(segment), instance, hex(trackId), pad(timestampUs), referenceFrameId);
    }

    /** The hex of a text's UTF-8 bytes: a key part for free text. */
    static String hex(String text) {
        return java.util.HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    static Bytes sealed(String recordingId) {
        return Bytes.wrap(recordingId.getBytes(StandardCharsets.UTF_8));
    }

    /** Inclusive bounds of every key of {@code recordingId} in the chunk or state store. */
    static Range recordingRange(String recordingId) {
        return Range.prefix(key(recordingId).get());
    }

    /** Inclusive bounds of the state entries of one kind ({@link #FRAME}, {@link #POSE}, ...) of a recording. */
    static Range kindRange(String recordingId, String kind) {
        return Range.prefix(key(recordingId, kind).get());
    }

    /** Inclusive bounds of the fingerprints of one kind ({@link #FRAME}, {@link #POSE}, {@link #CUBOID}) of one segment. */
    static Range segmentRange(String recordingId, String kind, int segment) {
        return Range.prefix(key(recordingId, kind, pad(segment)).get());
    }

    /** The (component, sensor) of a frame fingerprint key: {@code id 00 'f' 00 segment 00 component 00 sensor 00 ...}. */
    static String[] frameSensor(Bytes key) {
        String[] parts = new String(key.get(), StandardCharsets.UTF_8).split("\0", -1);
        return new String[] {parts[3], parts[4]};
    }

    /** The recording id of a state-store key. */
    static String recordingId(Bytes key) {
        byte[] b = key.get();
        int sep = indexOf(b, 0);
        return new String(b, 0, sep < 0 ? b.length : sep, StandardCharsets.UTF_8);
    }

    /** The smallest key after every key of {@code recordingId}: where a scan for the next recording starts. */
    static Bytes afterRecording(String recordingId) {
        byte[] id = recordingId.getBytes(StandardCharsets.UTF_8);
        byte[] b = Arrays.copyOf(id, id.length + 1);
        b[id.length] = SEP + 1;
        return Bytes.wrap(b);
    }

    /** Whether a state-store key is a recording header ({@code id 00} and nothing after). */
    static boolean isHeader(Bytes key) {
        byte[] b = key.get();
        return b.length > 0 && b[b.length - 1] == SEP && indexOf(b, 0) == b.length - 1;
    }

    static String pad(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative time " + n + " in a store key");
        }
        String digits = Long.toString(n);
        return "0".repeat(20 - digits.length()) + digits;
    }

    private static Bytes key(String recordingId, String... parts) {
        StringBuilder sb = new StringBuilder(recordingId).append('\0');
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sb.append('\0');
            }
            sb.append(parts[i]);
        }
        if (parts.length > 0) {
            sb.append('\0');
        }
        // every part ends with 0x00, so a key is also the prefix of the keys that extend it
        return Bytes.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static int indexOf(byte[] b, int value) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** Inclusive key bounds for {@code KeyValueStore.range(from, to)}. */
    record Range(Bytes from, Bytes to) {
        /** All keys starting with {@code prefix} (whose last byte is 0x00): [prefix, prefix with last byte 0x01]. */
        static Range prefix(byte[] prefix) {
            byte[] to = prefix.clone();
            to[to.length - 1] = (byte) (to[to.length - 1] + 1);
            return new Range(Bytes.wrap(prefix), Bytes.wrap(to));
        }

        /** The same range starting just after {@code key} (to resume a scan in batches). */
        Range after(Bytes key) {
            byte[] k = key.get();
            return new Range(Bytes.wrap(Arrays.copyOf(k, k.length + 1)), to);
        }
    }
}
