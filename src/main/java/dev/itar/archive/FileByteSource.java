package dev.itar.archive;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A local file read with positional reads, which do not move a shared position, so threads may share it. */
public final class FileByteSource implements ByteSource {
    private final Path file;
    private final FileChannel channel;

    private FileByteSource(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    public static FileByteSource open(Path file) throws IOException {
        return new FileByteSource(file, FileChannel.open(file, StandardOpenOption.READ));
    }

    @Override
    public String name() {
        return file.toString();
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public byte[] read(long offset, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        long pos = offset;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos);
            if (n < 0) {
                throw new EOFException(file + ": unexpected end of file at offset " + pos + " reading " + length
                        + " bytes from offset " + offset + " (was the file truncated while open?)");
            }
            pos += n;
        }
        return buf.array();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
