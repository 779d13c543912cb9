package dev.itar.archive;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The index entries of an archive under construction, appended to a file beside it as members are written, so
 * the writer holds no per-member state in memory however many members there are. Each entry is
 * {@code u16 key length, key (UTF-8), u64 payload offset, u64 payload size}, big-endian.
 */
final class MemberIndexFile implements Closeable {
    static final int MAX_KEY_BYTES = 0xFFFF;

    private final Path path;
    private final FileChannel channel;
    private final DataOutputStream out;
    private long bytes;
    private long entries;

    /** Opens {@code path}, keeping its first {@code bytes} bytes ({@code entries} entries) and dropping the rest. */
    MemberIndexFile(Path path, long bytes, long entries) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        try {
            if (channel.size() < bytes) {
                throw new IOException(path + ": member index has " + channel.size() + " bytes, expected at least "
                        + bytes);
            }
            channel.truncate(bytes);
            channel.position(bytes);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
        this.bytes = bytes;
        this.entries = entries;
    }

    void append(byte[] keyUtf8, long offset, long size) throws IOException {
        out.writeShort(keyUtf8.length);
        out.write(keyUtf8);
        out.writeLong(offset);
        out.writeLong(size);
        bytes += 2 + keyUtf8.length + 16L;
        entries++;
    }

    long bytes() {
        return bytes;
    }

    long entries() {
        return entries;
    }

    void flush(boolean force) throws IOException {
        out.flush();
        if (force) {
            channel.force(false);
        }
    }

    /** Every entry written so far, in write order (= ascending offset). Flushes first. */
    Entries read() throws IOException {
        out.flush();
        // a channel of its own: the writing channel's position must stay at the end
        return new Entries(Channels.newInputStream(FileChannel.open(path, StandardOpenOption.READ)), entries, path);
    }

    @Override
    public void close() throws IOException {
        try {
            out.flush();
        } finally {
            channel.close();
        }
    }

    /** One entry read back: the key's UTF-8 bytes, payload offset and size. */
    record Entry(byte[] keyUtf8, long offset, long size) {
        String key() {
            return new String(keyUtf8, StandardCharsets.UTF_8);
        }
    }

    /** A pass over the entries; close it. */
    static final class Entries implements Iterator<Entry>, Closeable {
        private final DataInputStream in;
        private final Path path;
        private long remaining;

        private Entries(InputStream in, long count, Path path) {
            this.in = new DataInputStream(new BufferedInputStream(in, 1 << 16));
            this.remaining = count;
            this.path = path;
        }

        @Override
        public boolean hasNext() {
            return remaining > 0;
        }

        @Override
        public Entry next() {
            if (remaining == 0) {
                throw new NoSuchElementException();
            }
            try {
                byte[] key = new byte[in.readUnsignedShort()];
                in.readFully(key);
                Entry e = new Entry(key, in.readLong(), in.readLong());
                remaining--;
                return e;
            } catch (EOFException e) {
                throw new UncheckedIOException(path + ": member index ends after fewer entries than recorded", e);
            } catch (IOException e) {
                throw new UncheckedIOException(path + ": cannot read the member index", e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
