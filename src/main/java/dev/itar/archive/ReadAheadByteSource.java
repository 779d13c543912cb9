package dev.itar.archive;

import java.io.IOException;

/**
 * A source read mostly front to back (a full verification) through one window of read-ahead: a read outside
 * the window fetches the window starting there, so a scan costs one request per window instead of one per tar
 * header. Random reads of small keys should use the source itself: each miss here fetches a whole window.
 * Closing it closes the source it wraps.
 */
public final class ReadAheadByteSource implements ByteSource {
    private final ByteSource source;
    private final int windowBytes;
    private byte[] window = new byte[0];
    private long windowOffset;

    public ReadAheadByteSource(ByteSource source, int windowBytes) {
        if (windowBytes < IndexHeader.BLOCK) {
            throw new IllegalArgumentException("read-ahead window of " + windowBytes + " bytes is smaller than a block");
        }
        this.source = source;
        this.windowBytes = windowBytes;
    }

    @Override
    public String name() {
        return source.name();
    }

    @Override
    public long size() throws IOException {
        return source.size();
    }

    @Override
    public synchronized byte[] read(long offset, int length) throws IOException {
        if (length > windowBytes) {
            return source.read(offset, length);
        }
        if (offset < windowOffset || offset + length > windowOffset + window.length) {
            long size = source.size();
            int n = (int) Math.max(length, Math.min(windowBytes, size - offset));
            window = source.read(offset, n);
            windowOffset = offset;
        }
        byte[] out = new byte[length];
        System.arraycopy(window, (int) (offset - windowOffset), out, 0, length);
        return out;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
