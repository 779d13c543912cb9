package dev.itar.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;

/**
 * The 512-byte header commons-compress writes for a plain record (ASCII name under 100 bytes, size in octal
 * range, so no PAX header), built from a template commons-compress rendered once: per record only the name,
 * size and checksum fields differ. Going through TarArchiveOutputStream costs a charset encoder round trip
 * per name (three, with the PAX checks), which was a seventh of a seal of small members.
 */
final class UstarHeader {
    static final int BLOCK = IndexHeader.BLOCK;
    private static final int NAME_LEN = 100;
    private static final int SIZE_OFFSET = 124;
    private static final int SIZE_LEN = 12;
    private static final int CHECKSUM_OFFSET = 148;
    private static final int CHECKSUM_LEN = 8;
    /** Largest size written in octal (11 digits); larger ones need a PAX size record. */
    private static final long MAX_OCTAL_SIZE = 077777777777L;
    private static final byte[] TEMPLATE = render("x", 0);

    private UstarHeader() {}

    /** The entry IndexedTarWriter writes for every key: Python tarfile's TarInfo defaults. */
    static TarArchiveEntry entry(String key, long size) {
        TarArchiveEntry entry = new TarArchiveEntry(key, true);
        entry.setSize(size);
        entry.setMode(0644); // Python tarfile writes the permission bits only: "0000644"
        entry.setModTime(0L);
        entry.setIds(0, 0);
        entry.setUserName("");
        entry.setGroupName("");
        return entry;
    }

    /** commons-compress's own rendering of {@link #entry} (no PAX handling). */
    static byte[] render(String key, long size) {
        byte[] block = new byte[BLOCK];
        try {
            entry(key, size).writeEntryHeader(block, ZipEncodingHelper.getZipEncoding(StandardCharsets.UTF_8.name()),
                    false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return block;
    }

    /**
     * True if the record for {@code key} is a single regular-file header block (no PAX extended header before
     * it), which {@link #of} renders.
     */
    static boolean plain(String key, long size) {
        // a name ending in '/' makes commons-compress write a directory entry
        if (key.length() >= NAME_LEN || size > MAX_OCTAL_SIZE || key.endsWith("/")) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** The header block for a {@link #plain} key, byte-identical to {@link #render}. */
    static byte[] of(String key, long size) {
        byte[] h = TEMPLATE.clone();
        Arrays.fill(h, 0, NAME_LEN, (byte) 0);
        for (int i = 0; i < key.length(); i++) {
            h[i] = (byte) key.charAt(i);
        }
        TarUtils.formatLongOctalOrBinaryBytes(size, h, SIZE_OFFSET, SIZE_LEN);
        Arrays.fill(h, CHECKSUM_OFFSET, CHECKSUM_OFFSET + CHECKSUM_LEN, (byte) ' ');
        TarUtils.formatCheckSumOctalBytes(TarUtils.computeCheckSum(h), h, CHECKSUM_OFFSET, CHECKSUM_LEN);
        return h;
    }
}
