package dev.itar.archive;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The 512-byte ustar header block of a plain member (a regular file, mode 0644, uid/gid 0, mtime 0, empty user
 * and group names), written into one reused buffer. commons-compress builds a {@code TarArchiveEntry}, a map of
 * PAX headers and a fresh charset encoder for every header; a recording has a great many small members, so
 * that garbage was a large share of all allocation while ingesting and sealing.
 *
 * <p>Only for the members whose header commons-compress (with {@code LONGFILE_POSIX}, {@code BIGNUMBER_POSIX}
 * and PAX headers for non-ASCII names, as {@link IndexedTarWriter} sets it) writes as a single block of exactly
 * these bytes; {@link #fits} says which. Every other member still goes through commons-compress.
 */
final class PlainMemberHeader {
    private static final int BLOCK = IndexHeader.BLOCK;

    private static final int NAME = 0;
    private static final int SIZE = 124;
    private static final int SIZE_DIGITS = 11;
    private static final int CHECKSUM = 148;
    private static final int CHECKSUM_DIGITS = 6;

    /** Every field but the name, the size and the checksum, as commons-compress formats them. */
    private static final byte[] TEMPLATE = template();

    private final byte[] block = new byte[BLOCK];

    /**
     * Whether {@code name} (the key's UTF-8 bytes) and {@code size} get a header of one block from
     * commons-compress, byte for byte the one {@link #of} writes:
     * <ul>
     *   <li>fewer than 100 bytes: at 100 and more it adds a PAX "path" header (it never splits a name into the
     *       ustar prefix field);
     *   <li>printable ASCII only: anything else gets a PAX "path" header, or (control characters) is a name no
     *       key should have;
     *   <li>no backslash: commons-compress turns the platform's file separator into '/', and on Windows that is
     *       the backslash;
     *   <li>no trailing '/': that makes the entry a directory, with another mode and type and no payload;
     *   <li>a size that fits the 11 octal digits of the size field: a larger one goes to a PAX "size" header.
     * </ul>
     */
    static boolean fits(byte[] name, long size) {
        if (name.length == 0 || name.length >= TarConstants.NAMELEN || size < 0 || size > TarConstants.MAXSIZE
                || name[name.length - 1] == '/') {
            return false;
        }
        for (byte b : name) {
            if (b < 0x20 || b > 0x7e || b == '\\') {
                return false;
            }
        }
        return true;
    }

    /**
     * The header block for {@code name} and {@code size}, valid until the next call. Only for what {@link #fits}.
     */
    byte[] of(byte[] name, long size) {
        if (!fits(name, size)) {
            throw new IllegalArgumentException("no plain ustar header for key '"
                    + new String(name, StandardCharsets.UTF_8) + "' of " + size + " bytes");
        }
        System.arraycopy(TEMPLATE, 0, block, 0, BLOCK);
        System.arraycopy(name, 0, block, NAME, name.length);
        octal(size, block, SIZE, SIZE_DIGITS);
        // The checksum is taken with its own field as eight spaces, as in the template.
        long sum = 0;
        for (byte b : block) {
            sum += b & 0xff;
        }
        octal(sum, block, CHECKSUM, CHECKSUM_DIGITS);
        block[CHECKSUM + CHECKSUM_DIGITS] = 0;
        block[CHECKSUM + CHECKSUM_DIGITS + 1] = ' ';
        return block;
    }

    private static byte[] template() {
        byte[] t = new byte[BLOCK];
        octalField(0644, t, 100, 8);   // mode
        octalField(0, t, 108, 8);      // uid
        octalField(0, t, 116, 8);      // gid
        octalField(0, t, SIZE, 12);    // size, rewritten per member
        octalField(0, t, 136, 12);     // mtime
        Arrays.fill(t, CHECKSUM, CHECKSUM + 8, (byte) ' ');
        t[156] = TarConstants.LF_NORMAL;
        // linkname (157..256) stays empty
        put(TarConstants.MAGIC_POSIX, t, 257);
        put(TarConstants.VERSION_POSIX, t, 263);
        // uname and gname (265..328) stay empty
        octalField(0, t, 329, 8);      // devmajor
        octalField(0, t, 337, 8);      // devminor
        return t;
    }

    /** A numeric field as commons-compress writes one that fits: zero-padded octal digits and a space. */
    private static void octalField(long value, byte[] b, int at, int length) {
        octal(value, b, at, length - 1);
        b[at + length - 1] = ' ';
    }

    private static void octal(long value, byte[] b, int at, int digits) {
        long v = value;
        for (int i = at + digits - 1; i >= at; i--) {
            b[i] = (byte) ('0' + (v & 7));
            v >>>= 3;
        }
        if (v != 0) {
            throw new IllegalArgumentException(value + " does not fit " + digits + " octal digits");
        }
    }

    private static void put(String ascii, byte[] b, int at) {
        byte[] bytes = ascii.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, b, at, bytes.length);
    }
}
