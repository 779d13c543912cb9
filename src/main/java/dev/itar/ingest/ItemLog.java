package dev.itar.ingest;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An append-only file of length-prefixed records ({@code u32 length, bytes}): a segment's frame entries, pose
 * samples and other items in arrival order, kept beside its archive so sealing reads them without touching the
 * state stores.
 * Opened at a committed length, it drops anything written after it.
 */
final class ItemLog implements Closeable {
    private final Path path;
    private final FileChannel channel;
    private final DataOutputStream out;
    private long bytes;

    ItemLog(Path path, long committedBytes) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (channel.size() < committedBytes) {
                throw new IOException(path + ": item log has " + channel.size() + " bytes, fewer than the "
                        + committedBytes + " committed");
            }
            channel.truncate(committedBytes);
            channel.position(committedBytes);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
        this.bytes = committedBytes;
    }

    void append(byte[] record) throws IOException {
        out.writeInt(record.length);
        out.write(record);
        bytes += 4L + record.length;
    }

    long bytes() {
        return bytes;
    }

    void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            out.flush();
        } finally {
            channel.close();
        }
    }

    /** The records in the first {@code length} bytes of the log at {@code path}, in order. Close it. */
    static Records read(Path path, long length) throws IOException {
        return new Records(path, length);
    }

    /** No records: the log of a segment that never received an item has no file. */
    private static final byte[] NONE = new byte[0];

    static final class Records implements Iterator<byte[]>, Closeable {
        private final Path path;
        private final DataInputStream in;
        private long remaining;

        private Records(Path path, long length) throws IOException {
            this.path = path;
            this.in = new DataInputStream(length == 0 ? new java.io.ByteArrayInputStream(NONE)
                    : new BufferedInputStream(Channels.newInputStream(FileChannel.open(path, StandardOpenOption.READ)),
                    1 << 16));
            this.remaining = length;
        }

        @Override
        public boolean hasNext() {
            return remaining > 0;
        }

        @Override
        public byte[] next() {
            if (remaining <= 0) {
                throw new NoSuchElementException();
            }
            try {
                int n = in.readInt();
                if (n < 0 || n > remaining - 4) {
                    throw new UncheckedIOException(new IOException(path + ": item log record of " + n
                            + " bytes runs past the log's committed end"));
                }
                byte[] b = new byte[n];
                in.readFully(b);
                remaining -= 4L + n;
                return b;
            } catch (EOFException e) {
                throw new UncheckedIOException(path + ": item log ends before its committed length", e);
            } catch (IOException e) {
                throw new UncheckedIOException(path + ": cannot read the item log", e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
