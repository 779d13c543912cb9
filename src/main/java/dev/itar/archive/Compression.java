package dev.itar.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * XZ and zlib as ncore reads them. XZ is the .xz container with a CRC64 check, as Python's lzma writes it,
 * but at preset 1 rather than Python's default 6: for the metadata we compress (CBOR of node metadata and
 * of the index) preset 6 runs at ~5 MB/s and was two thirds of a seal's CPU, preset 1 at ~33 MB/s for
 * output ~14% larger (measured on a demo archive's 1.4 MB root). Any LZMA decoder reads either, and
 * Python's liblzma never produced the same bytes as xz-java anyway; what matters is that the output is a
 * pure function of the input. Decompression is always bounded: a hostile file must not make us allocate or
 * loop without limit.
 */
public final class Compression {
    /** Largest LZMA dictionary we agree to allocate while decoding (preset 9 needs 64 MiB). */
    private static final int XZ_MEMORY_LIMIT_KIB = 128 * 1024;
    /** See the class comment: speed over the last 14% of size, for metadata that is small either way. */
    static final int XZ_PRESET = 1;

    private Compression() {}

    /**
     * An XZ stream into {@code out}, as {@link #xz(byte[])} writes it. {@code inputLength} is the number of bytes
     * that will be written (0 if unknown): with it the dictionary is sized as for the one-shot form, so the same
     * input gives the same bytes either way. Closing the stream finishes XZ and closes {@code out}.
     */
    public static OutputStream xzOutput(OutputStream out, long inputLength) throws IOException {
        LZMA2Options options = options(inputLength);
        return new XZOutputStream(out, options, XZ.CHECK_CRC64, BasicArrayCache.getInstance());
    }

    /**
     * The input length from which {@link #xzOutput} no longer depends on the length given: at and above it the
     * dictionary is the preset's whole.
     */
    static long xzLengthIndependentFrom() {
        try {
            return new LZMA2Options(XZ_PRESET).getDictSize();
        } catch (UnsupportedOptionsException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A zlib stream (RFC 1950, level 9) into {@code out}; closing it finishes and closes {@code out}. */
    public static OutputStream zlib9Output(OutputStream out) {
        Deflater deflater = new Deflater(9);
        return new DeflaterOutputStream(out, deflater, 1 << 16) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    deflater.end();
                }
            }
        };
    }

    private static LZMA2Options options(long inputLength) {
        try {
            LZMA2Options options = new LZMA2Options(XZ_PRESET);
            if (inputLength > 0) {
                // A dictionary no larger than the input finds the same matches, so for small inputs it only
                // changes the dictionary-size byte of the block header, and keeps the encoder's match-finder
                // arrays (and so sealing's heap) small. Still a pure function of the input.
                options.setDictSize((int) Math.max(LZMA2Options.DICT_SIZE_MIN,
                        Math.min(options.getDictSize(), inputLength)));
            }
            return options;
        } catch (UnsupportedOptionsException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] xz(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
        // the cache reuses the encoder's match-finder arrays between calls; output is unaffected
        try (OutputStream xz = xzOutput(out, Math.max(1, data.length))) {
            xz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** zlib container (RFC 1950), level 9, as Python's zlib.compress(data, 9). */
    static byte[] zlib9(byte[] data) {
        Deflater deflater = new Deflater(9);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
            byte[] buf = new byte[64 * 1024];
            while (!deflater.finished()) {
                int n = deflater.deflate(buf);
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /**
     * Decodes a complete XZ stream whose decoded size must not exceed {@code maxOutput}.
     *
     * @throws IOException corrupt or truncated data, too much memory asked, or output over the limit
     */
    public static byte[] unxz(byte[] data, long maxOutput) throws IOException {
        try (InputStream in = new XZInputStream(new ByteArrayInputStream(data), XZ_MEMORY_LIMIT_KIB,
                BasicArrayCache.getInstance())) {
            return readBounded(in, maxOutput);
        } catch (RuntimeException e) {
            // xz-java reports some malformed headers as unchecked exceptions
            throw new IOException("corrupt XZ data: " + e, e);
        }
    }

    public static byte[] unzlib(byte[] data, long maxOutput) throws IOException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length * 4));
            byte[] buf = new byte[64 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IOException("truncated zlib data");
                }
                if (out.size() + (long) n > maxOutput) {
                    throw new IOException("zlib data decodes to more than " + maxOutput + " bytes");
                }
                out.write(buf, 0, n);
            }
            if (inflater.getRemaining() > 0) {
                throw new IOException(inflater.getRemaining() + " trailing bytes after the zlib stream");
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IOException("corrupt zlib data: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private static byte[] readBounded(InputStream in, long maxOutput) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) != -1) {
            total += n;
            if (total > maxOutput) {
                throw new IOException("XZ data decodes to more than " + maxOutput + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
