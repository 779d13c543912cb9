package dev.itar.ingest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * The fingerprint of an accepted record's value, kept in state to tell a producer retry (same identity, same
 * bytes: a duplicate) from a conflicting record (same identity, other bytes: a dead letter).
 *
 * <p>It is {@code crc:<length hex>:<CRC-32C hex><CRC-32 hex>}: both checksums are JDK intrinsics, so taking it
 * costs next to nothing beside decoding the record, where a cryptographic digest of every multi-MB frame was a
 * sizeable share of the stream thread's work. Nobody forges records against this: it only has to tell a retry
 * from a different record of the same identity, which two independent checksums and the length do. Releases
 * before kept the SHA-256 (64 lowercase hex digits); such state still compares, by taking the SHA-256 of the
 * value on that rare path.
 */
final class RecordFingerprint {
    private static final String PREFIX = "crc:";
    private static final int LEGACY_SHA256_LENGTH = 64;
    /** Hex digits of the two 32-bit checksums. */
    private static final int CHECKSUM_DIGITS = 16;
    private static final int QUOTED_AT_MOST = 80;
    private static final HexFormat HEX = HexFormat.of();

    private RecordFingerprint() {
    }

    static String of(byte[] value) {
        return of(value, crc32c(value));
    }

    /** The fingerprint of {@code value} whose CRC-32C the caller has taken already ({@link #crc32c}). */
    static String of(byte[] value, int crc32c) {
        CRC32 crc32 = new CRC32();
        crc32.update(value);
        return PREFIX + Long.toHexString(value.length) + ':' + HEX.toHexDigits(crc32c)
                + HEX.toHexDigits((int) crc32.getValue());
    }

    /** The CRC-32C of {@code value}, as the fingerprint and a frame's changelog reference keep it. */
    static int crc32c(byte[] value) {
        CRC32C c = new CRC32C();
        c.update(value);
        return (int) c.getValue();
    }

    /**
     * Whether {@code stored}, a fingerprint this or an earlier release kept, is that of {@code value}.
     *
     * @param what names the state entry holding it, for the error
     * @throws StateFormatException if {@code stored} is in neither spelling: guessing would turn a retry into a
     *                              dead letter or a conflict into a silent duplicate
     */
    static boolean matches(String stored, byte[] value, String what) {
        if (stored.startsWith(PREFIX)) {
            if (!isCrc(stored)) {
                throw unknown(stored, what);
            }
            return stored.equals(of(value));
        }
        if (isLowerHex(stored, 0) && stored.length() == LEGACY_SHA256_LENGTH) {
            return stored.equals(sha256(value));
        }
        throw unknown(stored, what);
    }

    private static boolean isCrc(String s) {
        int colon = s.indexOf(':', PREFIX.length());
        return colon > PREFIX.length() && isLowerHex(s.substring(PREFIX.length(), colon), 0)
                && s.length() - colon - 1 == CHECKSUM_DIGITS && isLowerHex(s, colon + 1);
    }

    private static boolean isLowerHex(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return s.length() > from;
    }

    private static StateFormatException unknown(String stored, String what) {
        String quoted = stored.length() <= QUOTED_AT_MOST ? stored
                : stored.substring(0, QUOTED_AT_MOST) + "... (" + stored.length() + " characters)";
        return new StateFormatException(what + ": record fingerprint '" + quoted.replaceAll("\\p{Cntrl}", "?")
                + "' is neither crc:<length>:<crc32c><crc32> nor a SHA-256 (64 lowercase hex digits) of an earlier "
                + "release; the state is damaged or was written by a newer release");
    }

    private static String sha256(byte[] value) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
