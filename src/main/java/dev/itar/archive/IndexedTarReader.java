package dev.itar.archive;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an indexed tar archive from a {@link ByteSource}: a file, or an object read by byte ranges. Opening
 * costs one read of the tail (1 MiB by default), which holds the header, usually the index, and often the
 * small metadata members, which are then served from memory; anything else is one positioned read of just
 * its bytes, so one reader may be shared by threads. Everything read is checked before it is trusted;
 * problems surface as {@link ArchiveFormatException} naming the source and the key or offset concerned.
 */
public final class IndexedTarReader implements Closeable {
    public static final int DEFAULT_TAIL_BYTES = 1 << 20;
    private static final int BLOCK = IndexHeader.BLOCK;
    /** A real index is a few MiB for millions of keys; more than this is a lie, not an index. */
    private static final long MAX_INDEX_BYTES = 1L << 30;

    private final ByteSource source;
    /** Whether close() closes the source: only when this reader opened it. */
    private final boolean ownsSource;
    private final String name;
    private final long fileSize;
    private final byte[] tail;
    private final long tailOffset;
    private final IndexHeader header;
    private final List<IndexEntry> entries;
    private final Map<String, IndexEntry> byKey;

    private IndexedTarReader(ByteSource source, boolean ownsSource, long fileSize, byte[] tail, IndexHeader header,
            List<IndexEntry> entries) {
        this.source = source;
        this.ownsSource = ownsSource;
        this.name = source.name();
        this.fileSize = fileSize;
        this.tail = tail;
        this.tailOffset = fileSize - tail.length;
        this.header = header;
        this.entries = Collections.unmodifiableList(entries);
        Map<String, IndexEntry> map = new HashMap<>(entries.size() * 2);
        for (IndexEntry e : entries) {
            map.put(e.key(), e);
        }
        this.byKey = map;
    }

    /** Opens {@code file}; closing the reader closes the file. */
    public static IndexedTarReader open(Path file) throws IOException, ArchiveFormatException {
        return open(file, DEFAULT_TAIL_BYTES);
    }

    /**
     * @param tailBytes how much of the file's end to read at once (at least 512); a larger index costs a
     *                  second read
     */
    public static IndexedTarReader open(Path file, int tailBytes) throws IOException, ArchiveFormatException {
        checkTailBytes(tailBytes);
        FileByteSource source = FileByteSource.open(file);
        try {
            IndexedTarReader r = load(source, true, tailBytes);
            source = null;
            return r;
        } finally {
            if (source != null) {
                source.close();
            }
        }
    }

    /** Opens the archive in {@code source}; the caller keeps the source and closes it after the reader. */
    public static IndexedTarReader open(ByteSource source) throws IOException, ArchiveFormatException {
        return open(source, DEFAULT_TAIL_BYTES);
    }

    /** As {@link #open(ByteSource)}, reading {@code tailBytes} (at least 512) of the end at once. */
    public static IndexedTarReader open(ByteSource source, int tailBytes) throws IOException, ArchiveFormatException {
        checkTailBytes(tailBytes);
        return load(source, false, tailBytes);
    }

    private static void checkTailBytes(int tailBytes) {
        if (tailBytes < BLOCK) {
            throw new IllegalArgumentException("tailBytes " + tailBytes + " is smaller than one 512-byte block");
        }
    }

    private static IndexedTarReader load(ByteSource source, boolean owns, int tailBytes)
            throws IOException, ArchiveFormatException {
        String file = source.name();
        long size = source.size();
        // Smallest possible archive: two end blocks, one block of index, the header block.
        if (size < 4L * BLOCK) {
            throw ArchiveFormatException.at(file, "file of " + size + " bytes is too small to be an indexed tar"
                    + " (at least 2048 bytes: end marker, index, header)");
        }
        if (size % BLOCK != 0) {
            throw ArchiveFormatException.at(file, "file size " + size + " is not a multiple of 512 (truncated or"
                    + " extended; the header block would start at offset " + (size - BLOCK) + ")");
        }
        int tailLength = (int) Math.min(size, tailBytes);
        long tailOffset = size - tailLength;
        byte[] tail = source.read(tailOffset, tailLength);
        long headerOffset = size - BLOCK;
        IndexHeader header = IndexHeader.decode(file, tail, tailLength - BLOCK, headerOffset, size);
        if (header.indexSize() > MAX_INDEX_BYTES) {
            throw ArchiveFormatException.at(file, "index size " + header.indexSize() + " at offset "
                    + header.indexOffset() + " is absurd (limit " + MAX_INDEX_BYTES + ")");
        }
        byte[] index;
        if (header.indexOffset() >= tailOffset) {
            int from = (int) (header.indexOffset() - tailOffset);
            index = java.util.Arrays.copyOfRange(tail, from, from + (int) header.indexSize());
        } else {
            index = source.read(header.indexOffset(), (int) header.indexSize());
        }
        List<IndexEntry> entries = IndexCodec.decode(file, index, header.indexOffset());
        return new IndexedTarReader(source, owns, size, tail, header, entries);
    }

    /** The source's name: the file path or the object's URI. */
    public String name() {
        return name;
    }

    public long fileSize() {
        return fileSize;
    }

    /** Where the index payload starts (after the end marker and any zero gap). */
    public long indexOffset() {
        return header.indexOffset();
    }

    /** Length in bytes of the compressed index payload. */
    public long indexSize() {
        return header.indexSize();
    }

    /** All members, in offset order. */
    public List<IndexEntry> entries() {
        return entries;
    }

    public Optional<IndexEntry> entry(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    public boolean contains(String key) {
        return byKey.containsKey(key);
    }

    /**
     * The payload stored under {@code key}.
     *
     * @throws IOException a read failed
     */
    public Optional<byte[]> get(String key) throws IOException {
        IndexEntry e = byKey.get(key);
        if (e == null) {
            return Optional.empty();
        }
        return Optional.of(read(e));
    }

    /** {@code length} bytes of {@code key}'s payload starting at {@code start}. */
    public byte[] getRange(String key, long start, int length) throws IOException {
        IndexEntry e = byKey.get(key);
        if (e == null) {
            throw new IllegalArgumentException(name + ": no member '" + key + "'");
        }
        if (start < 0 || length < 0 || start + length > e.size()) {
            throw new IllegalArgumentException(name + ": range [" + start + ", " + (start + length) + ") is outside '"
                    + key + "' of " + e.size() + " bytes");
        }
        return read(e.offset() + start, length);
    }

    private byte[] read(IndexEntry e) throws IOException {
        if (e.size() > Integer.MAX_VALUE - 8) {
            throw new IOException(name + ": member '" + e.key() + "' of " + e.size()
                    + " bytes is too large for one array; use getRange");
        }
        return read(e.offset(), (int) e.size());
    }

    private byte[] read(long offset, int length) throws IOException {
        if (offset >= tailOffset) {
            int from = (int) (offset - tailOffset);
            return java.util.Arrays.copyOfRange(tail, from, from + length);
        }
        return source.read(offset, length);
    }

    /** Closes the file if this reader opened it; a source passed in stays open. */
    @Override
    public void close() throws IOException {
        if (ownsSource) {
            source.close();
        }
    }
}
