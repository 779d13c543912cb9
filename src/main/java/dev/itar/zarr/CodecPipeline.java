package dev.itar.zarr;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdInputStream;
import com.scalableminds.bloscjava.Blosc;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;

/**
 * Encodes and decodes one chunk through an array's codec chain: the {@code bytes} array→bytes codec (little or
 * big endian) followed by bytes→bytes codecs {@code blosc}, {@code zstd}, {@code gzip}, {@code crc32c} and
 * {@code numcodecs.zlib} (the v2 zlib compressor).
 *
 * <p>Input to {@link #encode} and output of {@link #decode} are always a whole chunk (edge chunks too, padded
 * with the fill value), little-endian, C order. Encoding is deterministic: blosc runs with one thread and the
 * configured blocksize, gzip writes mtime 0 and fixed header bytes.
 */
public final class CodecPipeline {
    private final DataType type;
    private final long chunkBytes;
    private final boolean bigEndian;
    private final List<Step> steps;

    private CodecPipeline(DataType type, long chunkBytes, boolean bigEndian, List<Step> steps) {
        this.type = type;
        this.chunkBytes = chunkBytes;
        this.bigEndian = bigEndian;
        this.steps = steps;
    }

    /** The pipeline of an array; an unknown codec or bad configuration is a {@link ZarrFormatException}. */
    public static CodecPipeline of(ArrayMetadata md) throws ZarrFormatException {
        List<Codec> codecs = md.codecs();
        if (codecs.isEmpty() || !codecs.get(0).name().equals("bytes")) {
            throw new ZarrFormatException("codec chain must start with the \"bytes\" codec, got "
                    + (codecs.isEmpty() ? "no codecs" : "\"" + codecs.get(0).name() + "\""));
        }
        Object endian = codecs.get(0).configuration().get("endian");
        if (endian != null && !endian.equals("little") && !endian.equals("big")) {
            throw new ZarrFormatException("bytes codec endian must be \"little\" or \"big\", got " + endian);
        }
        if (endian == null && md.dataType().hasEndianness()) {
            throw new ZarrFormatException("bytes codec needs an endian for multi-byte data type " + md.dataType());
        }
        boolean big = "big".equals(endian) && md.dataType().hasEndianness();
        List<Step> steps = new ArrayList<>();
        for (int i = 1; i < codecs.size(); i++) {
            steps.add(step(codecs.get(i), md.dataType()));
        }
        return new CodecPipeline(md.dataType(), md.chunkByteSize(), big, List.copyOf(steps));
    }

    /** Encodes one chunk of {@code md} without building a pipeline first. */
    public static byte[] encode(ArrayMetadata md, byte[] rawChunkLittleEndianCOrder) throws ZarrFormatException {
        return of(md).encode(rawChunkLittleEndianCOrder);
    }

    /** Bytes of one decoded chunk. */
    public long chunkByteSize() {
        return chunkBytes;
    }

    /**
     * Encodes a whole chunk given little-endian, C order.
     *
     * @throws IllegalArgumentException when the input is not exactly one chunk long
     */
    public byte[] encode(byte[] rawChunkLittleEndianCOrder) {
        if (rawChunkLittleEndianCOrder.length != chunkBytes) {
            throw new IllegalArgumentException("chunk has " + rawChunkLittleEndianCOrder.length
                    + " bytes, expected " + chunkBytes + " (" + type + ")");
        }
        byte[] b = bigEndian ? swap(rawChunkLittleEndianCOrder, type.itemSize())
                : rawChunkLittleEndianCOrder;
        for (Step s : steps) {
            b = s.encode(b);
        }
        return b;
    }

    /** Decodes a stored chunk into little-endian C-order bytes; wrong decoded size is an error. */
    public byte[] decode(byte[] stored) throws ZarrFormatException {
        byte[] b = stored;
        for (int i = steps.size() - 1; i >= 0; i--) {
            try {
                b = steps.get(i).decode(b);
            } catch (ZarrFormatException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new ZarrFormatException(steps.get(i).name() + " codec cannot decode chunk: " + e.getMessage(), e);
            }
        }
        if (b.length != chunkBytes) {
            throw new ZarrFormatException("chunk decodes to " + b.length + " bytes, expected " + chunkBytes
                    + " (" + type + ")");
        }
        return bigEndian ? swap(b, type.itemSize()) : b;
    }

    private static byte[] swap(byte[] src, int size) {
        byte[] out = new byte[src.length];
        for (int i = 0; i < src.length; i += size) {
            for (int j = 0; j < size; j++) {
                out[i + j] = src[i + size - 1 - j];
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ bytes→bytes codecs

    private interface Step {
        String name();

        byte[] encode(byte[] in);

        byte[] decode(byte[] in) throws IOException;
    }

    private static Step step(Codec c, DataType type) throws ZarrFormatException {
        Map<String, Object> cfg = c.configuration();
        try {
            return switch (c.name()) {
                case "blosc" -> blosc(cfg, type);
                case "zstd" -> zstd(intCfg(cfg, "level", 0), Boolean.TRUE.equals(cfg.get("checksum")));
                case "gzip" -> gzip(intCfg(cfg, "level", 5));
                case "numcodecs.zlib", "zlib" -> zlib(intCfg(cfg, "level", 1));
                case "crc32c" -> crc32c();
                default -> throw new ZarrFormatException("unknown codec \"" + c.name() + "\"");
            };
        } catch (IllegalArgumentException e) {
            throw new ZarrFormatException("bad configuration for codec \"" + c.name() + "\" " + cfg + ": "
                    + e.getMessage(), e);
        }
    }

    private static int intCfg(Map<String, Object> cfg, String key, int dflt) {
        Object v = cfg.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Integer || v instanceof Long)) {
            throw new IllegalArgumentException(key + " must be an integer, got " + v);
        }
        return ((Number) v).intValue();
    }

    private static Step blosc(Map<String, Object> cfg, DataType type) {
        String cname = String.valueOf(cfg.get("cname"));
        Blosc.Compressor comp = switch (cname) {
            case "lz4" -> Blosc.Compressor.LZ4;
            case "lz4hc" -> Blosc.Compressor.LZ4HC;
            case "blosclz" -> Blosc.Compressor.BLOSCLZ;
            case "zstd" -> Blosc.Compressor.ZSTD;
            case "zlib" -> Blosc.Compressor.ZLIB;
            default -> throw new IllegalArgumentException("unsupported cname " + cname);
        };
        Object sh = cfg.getOrDefault("shuffle", "noshuffle");
        Blosc.Shuffle shuffle = switch (String.valueOf(sh)) {
            case "noshuffle", "0" -> Blosc.Shuffle.NO_SHUFFLE;
            case "shuffle", "1" -> Blosc.Shuffle.BYTE_SHUFFLE;
            case "bitshuffle", "2" -> Blosc.Shuffle.BIT_SHUFFLE;
            default -> throw new IllegalArgumentException("unsupported shuffle " + sh);
        };
        int clevel = intCfg(cfg, "clevel", 5);
        if (clevel < 0 || clevel > 9) {
            throw new IllegalArgumentException("clevel must be 0..9, got " + clevel);
        }
        int typesize = intCfg(cfg, "typesize", type.itemSize());
        if (typesize < 1) {
            throw new IllegalArgumentException("typesize must be >= 1, got " + typesize);
        }
        int blocksize = intCfg(cfg, "blocksize", 0);
        return new Step() {
            public String name() {
                return "blosc";
            }

            public byte[] encode(byte[] in) {
                // one thread: blosc output must not depend on scheduling
                return Blosc.compress(in, typesize, comp, clevel, shuffle, blocksize, 1);
            }

            public byte[] decode(byte[] in) throws IOException {
                if (in.length < 16) {
                    throw new ZarrFormatException("blosc frame of " + in.length + " bytes is shorter than its 16-byte header");
                }
                // header bytes 4..7: uncompressed size; 12..15: compressed size
                ByteBuffer h = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
                long cbytes = Integer.toUnsignedLong(h.getInt(12));
                if (cbytes != in.length) {
                    throw new ZarrFormatException("blosc frame says " + cbytes + " compressed bytes, chunk has " + in.length);
                }
                return Blosc.decompress(in);
            }
        };
    }

    private static Step zstd(int level, boolean checksum) {
        return new Step() {
            public String name() {
                return "zstd";
            }

            public byte[] encode(byte[] in) {
                try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
                    ctx.setLevel(level);
                    ctx.setChecksum(checksum);
                    ctx.setContentSize(true);
                    return ctx.compress(in);
                }
            }

            public byte[] decode(byte[] in) throws IOException {
                long size = Zstd.getFrameContentSize(in);
                if (size >= 0 && size <= Integer.MAX_VALUE - 8) {
                    return Zstd.decompress(in, (int) size);
                }
                try (InputStream s = new ZstdInputStream(new ByteArrayInputStream(in))) {
                    return s.readAllBytes();
                }
            }
        };
    }

    private static Step gzip(int level) {
        if (level < 0 || level > 9) {
            throw new IllegalArgumentException("gzip level must be 0..9, got " + level);
        }
        return new Step() {
            public String name() {
                return "gzip";
            }

            public byte[] encode(byte[] in) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                // header as Python's gzip module writes with mtime=0: XFL 2 at level 9, 4 at level 1, OS 255
                int xfl = level == 9 ? 2 : (level == 1 ? 4 : 0);
                out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, (byte) xfl, (byte) 0xff}, 0, 10);
                byte[] body = deflate(in, level, true);
                out.write(body, 0, body.length);
                CRC32 crc = new CRC32();
                crc.update(in);
                ByteBuffer t = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                t.putInt((int) crc.getValue()).putInt(in.length);
                out.write(t.array(), 0, 8);
                return out.toByteArray();
            }

            public byte[] decode(byte[] in) throws IOException {
                try (InputStream s = new GZIPInputStream(new ByteArrayInputStream(in))) {
                    return s.readAllBytes();
                }
            }
        };
    }

    private static Step zlib(int level) {
        if (level < -1 || level > 9) {
            throw new IllegalArgumentException("zlib level must be 0..9, got " + level);
        }
        return new Step() {
            public String name() {
                return "zlib";
            }

            public byte[] encode(byte[] in) {
                return deflate(in, level, false);
            }

            public byte[] decode(byte[] in) throws IOException {
                Inflater inf = new Inflater();
                try {
                    inf.setInput(in);
                    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, in.length * 4));
                    byte[] buf = new byte[65536];
                    while (!inf.finished()) {
                        int n = inf.inflate(buf);
                        if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                            throw new ZarrFormatException("zlib stream is truncated");
                        }
                        out.write(buf, 0, n);
                    }
                    return out.toByteArray();
                } catch (DataFormatException e) {
                    throw new ZarrFormatException("bad zlib stream: " + e.getMessage(), e);
                } finally {
                    inf.end();
                }
            }
        };
    }

    private static byte[] deflate(byte[] in, int level, boolean nowrap) {
        Deflater d = new Deflater(level, nowrap);
        try {
            d.setInput(in);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(in.length / 2 + 64);
            byte[] buf = new byte[65536];
            while (!d.finished()) {
                int n = d.deflate(buf);
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    private static Step crc32c() {
        return new Step() {
            public String name() {
                return "crc32c";
            }

            public byte[] encode(byte[] in) {
                CRC32C c = new CRC32C();
                c.update(in);
                byte[] out = java.util.Arrays.copyOf(in, in.length + 4);
                ByteBuffer.wrap(out, in.length, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) c.getValue());
                return out;
            }

            public byte[] decode(byte[] in) throws IOException {
                if (in.length < 4) {
                    throw new ZarrFormatException("crc32c: chunk of " + in.length + " bytes has no 4-byte checksum");
                }
                CRC32C c = new CRC32C();
                c.update(in, 0, in.length - 4);
                int stored = ByteBuffer.wrap(in, in.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                if (stored != (int) c.getValue()) {
                    throw new ZarrFormatException(String.format("crc32c mismatch: stored %08x, computed %08x",
                            stored, (int) c.getValue()));
                }
                return java.util.Arrays.copyOf(in, in.length - 4);
            }
        };
    }
}
