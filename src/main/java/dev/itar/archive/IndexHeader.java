package dev.itar.archive;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The 20-byte header at the start of an archive's last 512-byte block, little-endian {@code <4sIQI}:
 * magic "itar", index type (1 = CBOR + XZ), index offset, index size.
 */
record IndexHeader(int type, long indexOffset, long indexSize) {
    static final int BLOCK = 512;
    static final int LENGTH = 20;
    static final int TYPE_CBOR_XZ_V1 = 1;
    private static final byte[] MAGIC = "itar".getBytes(StandardCharsets.US_ASCII);

    /** The whole final block: header then zeros. */
    byte[] toBlock() {
        ByteBuffer b = ByteBuffer.allocate(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(type).putLong(indexOffset).putInt((int) indexSize);
        return b.array();
    }

    /**
     * Decodes and range-checks the header found in the last block of {@code file}.
     *
     * @param block       at least {@link #LENGTH} bytes, the start of the final block
     * @param blockOffset where that block starts in the file
     */
    static IndexHeader decode(String file, byte[] block, int from, long blockOffset, long fileSize)
            throws ArchiveFormatException {
        if (!Arrays.equals(block, from, from + 4, MAGIC, 0, 4)) {
            throw ArchiveFormatException.at(file, "no itar index header at offset " + blockOffset + " (magic "
                    + hex(block, from, 4) + ", expected 69746172 \"itar\"); not an indexed tar or truncated");
        }
        ByteBuffer b = ByteBuffer.wrap(block, from, LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.position(from + 4);
        int type = b.getInt();
        long offset = b.getLong();
        long size = Integer.toUnsignedLong(b.getInt());
        if (type != TYPE_CBOR_XZ_V1) {
            throw ArchiveFormatException.at(file, "unknown index type " + Integer.toUnsignedString(type)
                    + " in header at offset " + blockOffset + " (only 1 = CBOR+XZ is known)");
        }
        // The index sits after at least the two end-of-archive blocks and before the header block.
        if (offset < 0 || offset < 2L * BLOCK || offset % BLOCK != 0 || offset > blockOffset) {
            throw ArchiveFormatException.at(file, "index offset " + Long.toUnsignedString(offset)
                    + " (header at offset " + blockOffset + ") lies outside the file's index area [1024, "
                    + blockOffset + "] or is not 512-aligned");
        }
        if (size == 0 || size > blockOffset - offset) {
            throw ArchiveFormatException.at(file, "index size " + size + " at index offset " + offset
                    + " runs past the header block at offset " + blockOffset + " (file size " + fileSize + ")");
        }
        return new IndexHeader(type, offset, size);
    }

    private static String hex(byte[] b, int from, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < from + n; i++) {
            s.append(String.format("%02x", b[i] & 0xff));
        }
        return s.toString();
    }
}
