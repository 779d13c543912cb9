package dev.itar.archive;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes of a size known only once they are all written (a compressed member, a long attribute document): held in
 * memory up to a limit, then in a temp file, so that memory stays bounded however large the content turns out.
 * Write, then {@link #size()} and {@link #open()} to read it back as often as needed; {@link #close()} deletes the
 * temp file.
 */
public final class SpillBuffer extends OutputStream {
    private final Path dir;
    private final int memoryLimit;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private Path file;
    private OutputStream fileOut;
    private long size;

    /**
     * @param dir         where a temp file goes once {@code memoryLimit} bytes are exceeded
     * @param memoryLimit bytes kept in memory at most
     */
    public SpillBuffer(Path dir, int memoryLimit) {
        this.dir = dir;
        this.memoryLimit = memoryLimit;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (memory != null && memory.size() + (long) len > memoryLimit) {
            file = Files.createTempFile(dir, ".spill-", ".tmp");
            fileOut = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
            memory.writeTo(fileOut);
            memory = null;
        }
        if (memory != null) {
            memory.write(b, off, len);
        } else {
            fileOut.write(b, off, len);
        }
        size += len;
    }

    /** Bytes written so far. */
    public long size() {
        return size;
    }

    /** Everything written so far, from the start. */
    public InputStream open() throws IOException {
        if (memory != null) {
            return new ByteArrayInputStream(memory.toByteArray());
        }
        fileOut.flush();
        return Files.newInputStream(file);
    }

    @Override
    public void close() throws IOException {
        try {
            if (fileOut != null) {
                fileOut.close();
            }
        } finally {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }
}
