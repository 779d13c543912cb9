package dev.itar.zarr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Zarr v3 array metadata ({@code zarr.json} of an array), also the model v2 {@code .zarray} is read into.
 *
 * <p>{@link #toJson()} reproduces zarr-python 3.1's {@code ArrayV3Metadata.to_dict()} serialised with
 * {@code json.dumps(indent=2)}: keys in the dataclass field order {@code shape, data_type, chunk_grid,
 * chunk_key_encoding, fill_value, codecs, attributes, [dimension_names], zarr_format, node_type,
 * storage_transformers} ({@code dimension_names} only when set).
 *
 * @param shape array shape (empty for 0-d)
 * @param dataType element type
 * @param chunkShape regular chunk grid shape, same rank as {@code shape}
 * @param chunkKeyEncoding {@code default "/"} for v3; {@code v2} with the source separator for v2 arrays
 * @param fillValue canonical fill value (see {@link DataType})
 * @param codecs v3 codec chain: one array→bytes {@code bytes} codec first, then bytes→bytes codecs
 * @param attributes user attributes (JSON values, number kinds preserved)
 * @param dimensionNames null when absent
 * @param storageTransformers normally empty
 */
public record ArrayMetadata(long[] shape, DataType dataType, long[] chunkShape, ChunkKeyEncoding chunkKeyEncoding,
                            Object fillValue, List<Codec> codecs, Map<String, Object> attributes,
                            List<String> dimensionNames, List<Object> storageTransformers) {

    public ArrayMetadata {
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(chunkKeyEncoding, "chunkKeyEncoding");
        shape = shape.clone();
        chunkShape = chunkShape.clone();
        if (shape.length != chunkShape.length) {
            throw new IllegalArgumentException("chunk shape " + Arrays.toString(chunkShape)
                    + " has a different rank than shape " + Arrays.toString(shape));
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0 || chunkShape[i] < 1) {
                throw new IllegalArgumentException("bad shape " + Arrays.toString(shape) + " / chunk shape "
                        + Arrays.toString(chunkShape));
            }
        }
        if (fillValue == null) {
            fillValue = dataType.defaultFill();
        }
        codecs = List.copyOf(codecs);
        attributes = PyJson.freezeMap(attributes);
        dimensionNames = dimensionNames == null ? null : List.copyOf(dimensionNames);
        storageTransformers = storageTransformers == null ? List.of()
                : (List<Object>) PyJson.freeze(storageTransformers);
    }

    /** A v3 array with default chunk keys, no dimension names and no storage transformers. */
    public static ArrayMetadata of(long[] shape, long[] chunkShape, DataType dtype, Object fillValue,
                                   List<Codec> codecs, Map<String, Object> attributes) {
        return new ArrayMetadata(shape, dtype, chunkShape, ChunkKeyEncoding.DEFAULT, fillValue, codecs, attributes,
                null, List.of());
    }

    /**
     * A numeric array as ncore (PR #68) writes it: {@code bytes} little endian (no endian for one-byte types),
     * then blosc lz4, clevel 5, bitshuffle, typesize = item size, blocksize 0; default fill value.
     */
    public static ArrayMetadata ncoreNumeric(long[] shape, long[] chunkShape, DataType dtype,
                                             Map<String, Object> attributes) {
        if (dtype.isBytes()) {
            throw new IllegalArgumentException("ncoreNumeric needs a numeric data type, got " + dtype);
        }
        return of(shape, chunkShape, dtype, null, List.of(Codec.bytesFor(dtype), Codec.ncoreBlosc(dtype)),
                attributes);
    }

    /**
     * An encoded image as ncore writes it ({@code create_array(data=np.asarray(bytes), compressors=())}): a 0-d
     * {@code null_terminated_bytes} array of {@code length} bytes, codecs {@code [bytes]}, fill value {@code ""}.
     */
    public static ArrayMetadata ncoreBytes(int length, Map<String, Object> attributes) {
        DataType t = DataType.bytes(length);
        return of(new long[0], new long[0], t, null, List.of(Codec.bytesFor(t)), attributes);
    }

    /** Same metadata with other attributes. */
    public ArrayMetadata withAttributes(Map<String, Object> attrs) {
        return new ArrayMetadata(shape, dataType, chunkShape, chunkKeyEncoding, fillValue, codecs, attrs,
                dimensionNames, storageTransformers);
    }

    public int rank() {
        return shape.length;
    }

    /** Number of chunks along each dimension (ceil(shape / chunk)). */
    public long[] chunkGridShape() {
        long[] g = new long[shape.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = (shape[i] + chunkShape[i] - 1) / chunkShape[i];
        }
        return g;
    }

    /** Bytes of one decoded (full, not edge-trimmed) chunk. */
    public long chunkByteSize() {
        long n = dataType.itemSize();
        for (long c : chunkShape) {
            n = Math.multiplyExact(n, c);
        }
        return n;
    }

    /** Elements in the whole array. */
    public long elementCount() {
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    /** The chunk key (relative to the array node) of a chunk index. */
    public String chunkKey(long... chunkIndex) {
        if (chunkIndex.length != shape.length) {
            throw new IllegalArgumentException("chunk index " + Arrays.toString(chunkIndex) + " has rank "
                    + chunkIndex.length + ", array has rank " + shape.length);
        }
        return chunkKeyEncoding.key(chunkIndex);
    }

    /** The v3 document as ordered Java values (what {@link #toJson()} serialises). */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shape", shape);
        m.put("data_type", dataType.toV3Json());
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("name", "regular");
        grid.put("configuration", Codec.ordered("chunk_shape", chunkShape));
        m.put("chunk_grid", grid);
        m.put("chunk_key_encoding", chunkKeyEncoding.toJson());
        m.put("fill_value", dataType.fillToJson(fillValue));
        List<Object> cs = new ArrayList<>();
        for (Codec c : codecs) {
            cs.add(c.toJson());
        }
        m.put("codecs", cs);
        m.put("attributes", attributes);
        if (dimensionNames != null) {
            m.put("dimension_names", dimensionNames);
        }
        m.put("zarr_format", 3);
        m.put("node_type", "array");
        m.put("storage_transformers", storageTransformers);
        return m;
    }

    /** {@code zarr.json} bytes exactly as zarr-python 3.1 writes them. */
    public byte[] toJson() {
        return PyJson.dumps(toJsonMap());
    }

    public static ArrayMetadata fromJson(byte[] json) throws ZarrFormatException {
        try {
            return fromJsonMap(PyJson.parseObject(json));
        } catch (ZarrFormatException e) {
            throw e;
        } catch (java.io.IOException e) {
            throw new ZarrFormatException("array zarr.json is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Parses a v3 array document (already parsed into Java values). */
    public static ArrayMetadata fromJsonMap(Map<String, Object> m) throws ZarrFormatException {
        if (!Objects.equals(m.get("zarr_format"), 3)) {
            throw new ZarrFormatException("expected zarr_format 3, got " + m.get("zarr_format"));
        }
        if (!"array".equals(m.get("node_type"))) {
            throw new ZarrFormatException("expected node_type \"array\", got " + m.get("node_type"));
        }
        DataType t = DataType.fromV3Json(m.get("data_type"));
        long[] shape = longs(m.get("shape"), "shape");
        Object grid = m.get("chunk_grid");
        if (!(grid instanceof Map<?, ?> g) || !"regular".equals(g.get("name"))
                || !(g.get("configuration") instanceof Map<?, ?> gc)) {
            throw new ZarrFormatException("unsupported chunk_grid " + grid + " (only \"regular\" is supported)");
        }
        long[] chunks = longs(gc.get("chunk_shape"), "chunk_shape");
        ChunkKeyEncoding enc = ChunkKeyEncoding.fromJson(m.get("chunk_key_encoding"));
        Object fill = t.fillFromJson(m.get("fill_value"), 3);
        if (!(m.get("codecs") instanceof List<?> cl)) {
            throw new ZarrFormatException("missing codecs");
        }
        List<Codec> codecs = new ArrayList<>();
        for (Object c : cl) {
            codecs.add(Codec.fromJson(c));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> attrs = m.get("attributes") instanceof Map<?, ?> a ? (Map<String, Object>) a : Map.of();
        List<String> dims = null;
        if (m.get("dimension_names") instanceof List<?> dl) {
            dims = new ArrayList<>();
            for (Object o : dl) {
                dims.add(o == null ? null : String.valueOf(o));
            }
            dims = java.util.Collections.unmodifiableList(dims);
        }
        @SuppressWarnings("unchecked")
        List<Object> st = m.get("storage_transformers") instanceof List<?> l ? (List<Object>) l : List.of();
        if (!st.isEmpty()) {
            throw new ZarrFormatException("storage_transformers are not supported: " + st);
        }
        try {
            ArrayMetadata md = new ArrayMetadata(shape, t, chunks, enc, fill, codecs, attrs, dims == null ? null
                    : new ArrayList<>(dims), st);
            CodecPipeline.of(md); // validates the codec chain
            return md;
        } catch (IllegalArgumentException e) {
            throw new ZarrFormatException(e.getMessage(), e);
        }
    }

    /**
     * Reads v2 {@code .zarray} (and {@code .zattrs}) into the v3 model: the numpy dtype's byte order becomes a
     * {@code bytes} codec, the compressor a bytes→bytes codec (blosc; zlib as {@code numcodecs.zlib}; gzip;
     * zstd), chunk keys the v2 encoding with {@code dimension_separator} (default ".").
     */
    public static ArrayMetadata fromV2(Map<String, Object> zarray, Map<String, Object> zattrs)
            throws ZarrFormatException {
        if (!Objects.equals(zarray.get("zarr_format"), 2)) {
            throw new ZarrFormatException("expected zarr_format 2 in .zarray, got " + zarray.get("zarr_format"));
        }
        Object order = zarray.getOrDefault("order", "C");
        if (!"C".equals(order)) {
            throw new ZarrFormatException("unsupported .zarray order " + order + " (only C is supported)");
        }
        if (zarray.get("filters") != null && !(zarray.get("filters") instanceof List<?> fl && fl.isEmpty())) {
            throw new ZarrFormatException("unsupported .zarray filters " + zarray.get("filters"));
        }
        if (!(zarray.get("dtype") instanceof String dts)) {
            throw new ZarrFormatException("unsupported .zarray dtype " + zarray.get("dtype"));
        }
        DataType.Numpy np = DataType.parseNumpy(dts);
        DataType t = np.type();
        long[] shape = longs(zarray.get("shape"), "shape");
        long[] chunks = longs(zarray.get("chunks"), "chunks");
        char sep = '.';
        if (zarray.get("dimension_separator") instanceof String s) {
            if (!s.equals(".") && !s.equals("/")) {
                throw new ZarrFormatException("bad dimension_separator \"" + s + "\"");
            }
            sep = s.charAt(0);
        }
        Object fill = t.fillFromJson(zarray.get("fill_value"), 2);
        List<Codec> codecs = new ArrayList<>();
        codecs.add(t.hasEndianness() ? Codec.bytes(np.bigEndian() ? "big" : "little") : Codec.bytes(null));
        Object comp = zarray.get("compressor");
        if (comp != null) {
            codecs.add(v2Compressor(comp, t));
        }
        try {
            return new ArrayMetadata(shape, t, chunks, ChunkKeyEncoding.v2(sep), fill, codecs,
                    zattrs == null ? Map.of() : zattrs, null, List.of());
        } catch (IllegalArgumentException e) {
            throw new ZarrFormatException(e.getMessage(), e);
        }
    }

    private static Codec v2Compressor(Object comp, DataType t) throws ZarrFormatException {
        if (!(comp instanceof Map<?, ?> c) || !(c.get("id") instanceof String id)) {
            throw new ZarrFormatException("bad .zarray compressor " + comp);
        }
        try {
            switch (id) {
                case "blosc": {
                    int shuffle = intOr(c.get("shuffle"), 1);
                    String sh = switch (shuffle) {
                        case 0 -> "noshuffle";
                        case 1 -> "shuffle";
                        case 2 -> "bitshuffle";
                        case -1 -> t.itemSize() == 1 ? "bitshuffle" : "shuffle"; // numcodecs AUTOSHUFFLE
                        default -> throw new ZarrFormatException("unsupported blosc shuffle " + shuffle);
                    };
                    return Codec.blosc(String.valueOf(c.get("cname")), intOr(c.get("clevel"), 5), sh,
                            t.itemSize(), intOr(c.get("blocksize"), 0));
                }
                case "zlib":
                    return Codec.zlib(intOr(c.get("level"), 1));
                case "gzip":
                    return Codec.gzip(intOr(c.get("level"), 1));
                case "zstd":
                    return Codec.zstd(intOr(c.get("level"), 1), Boolean.TRUE.equals(c.get("checksum")));
                default:
                    throw new ZarrFormatException("unsupported v2 compressor \"" + id + "\"");
            }
        } catch (IllegalArgumentException e) {
            throw new ZarrFormatException("bad v2 compressor " + comp + ": " + e.getMessage(), e);
        }
    }

    private static int intOr(Object o, int dflt) {
        return o instanceof Number n ? n.intValue() : dflt;
    }

    private static long[] longs(Object o, String what) throws ZarrFormatException {
        if (!(o instanceof List<?> l)) {
            throw new ZarrFormatException("missing or bad " + what + ": " + o);
        }
        long[] r = new long[l.size()];
        for (int i = 0; i < r.length; i++) {
            if (!(l.get(i) instanceof Number n) || l.get(i) instanceof Double) {
                throw new ZarrFormatException("bad " + what + " " + o);
            }
            r[i] = n.longValue();
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ArrayMetadata a)) {
            return false;
        }
        return Arrays.equals(shape, a.shape) && dataType.equals(a.dataType) && Arrays.equals(chunkShape, a.chunkShape)
                && chunkKeyEncoding.equals(a.chunkKeyEncoding)
                && Arrays.equals(dataType.fillBytes(fillValue), a.dataType.fillBytes(a.fillValue))
                && codecs.equals(a.codecs) && attributes.equals(a.attributes)
                && Objects.equals(dimensionNames, a.dimensionNames) && storageTransformers.equals(a.storageTransformers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(shape), dataType, Arrays.hashCode(chunkShape), codecs, attributes);
    }

    @Override
    public String toString() {
        return "ArrayMetadata" + new String(PyJson.dumpsCompact(toJsonMap()), java.nio.charset.StandardCharsets.US_ASCII);
    }
}
