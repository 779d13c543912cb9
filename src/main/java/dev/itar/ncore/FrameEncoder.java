package dev.itar.ncore;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.frames.CameraFrame;
import dev.itar.frames.LidarFrame;
import dev.itar.frames.RadarFrame;
import dev.itar.frames.SensorFrame;
import dev.itar.frames.TypedArray;
import dev.itar.zarr.ChunkKeys;
import dev.itar.zarr.CodecPipeline;
import dev.itar.zarr.DataType;
import java.nio.ByteOrder;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Encodes one sensor frame into ncore v4 zarr chunks (compressed here, at ingest time) plus the
 * {@link FrameEntry} needed to render the frame's metadata when the sequence is sealed.
 *
 * <p>Layout (ncore PR #68 {@code components.py}): under
 * {@code <component>/<sensor>/frames/<t1>}: {@code generic_data} (attributes = per-frame meta, one array per
 * generic data entry), camera {@code image} (0-d {@code S<len>}, uncompressed, attribute {@code format}); ray
 * bundle sensors {@code ray_bundle/{direction,timestamp_us[,model_element]}},
 * {@code ray_bundle_returns/{distance_m[,intensity]}} chunked one return per chunk, and
 * {@code ray_bundle_returns_valid_mask_packed} ({@code np.packbits} of the non-NaN distance mask).
 *
 * <p>Like zarr-python 3 (default {@code write_empty_chunks=False}) a numeric chunk equal to the fill value 0 is
 * not stored; we skip only chunks whose bytes are all zero, so a skipped chunk reads back bit-exactly.
 *
 * <p>Frames are taken as {@code frames.WireDecoder} validates them (or as {@link SequenceReader} reads them back);
 * the checks here are only what ncore needs beyond that: generic data names that are legal zarr node names
 * (the wire allows {@code zarr.json}), a sensor id that is a safe node name (by {@link FrameEntry}), and that
 * every array's bytes fill its shape. A frame failing them is an {@link IllegalArgumentException} naming it.
 *
 * <p>Thread-safe; its only shared state is a bounded cache of immutable codec pipelines.
 */
public final class FrameEncoder {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final Pattern DATA_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    /**
     * Codec pipelines of compressed arrays by (dtype, shape, chunk shape): a sensor sends the same array shapes
     * frame after frame, and building metadata + pipeline per array was a large part of encoding a frame.
     * Pipelines are immutable. Bounded: cleared when full (many distinct shapes only cost the rebuild).
     */
    private static final int PIPELINE_CACHE_LIMIT = 256;
    private static final ConcurrentHashMap<PipelineKey, CodecPipeline> PIPELINES = new ConcurrentHashMap<>();

    private record PipelineKey(String dtype, List<Long> shape, List<Long> chunkShape) {
        static PipelineKey of(String dtype, long[] shape, long[] chunkShape) {
            return new PipelineKey(dtype, boxed(shape), boxed(chunkShape));
        }

        private static List<Long> boxed(long[] a) {
            Long[] b = new Long[a.length];
            for (int i = 0; i < a.length; i++) {
                b[i] = a[i];
            }
            return List.of(b);
        }
    }

    /**
     * Encodes a camera, lidar or radar frame. Lidar/radar arrays are little-endian: direction float32 [n,3],
     * timestampUs uint64 [n], distanceM (and lidar intensity) float32 [r,n] (NaN = absent return), lidar
     * modelElement uint16 [n,2] or null.
     */
    public EncodedFrame encode(SensorFrame frame) {
        if (frame instanceof CameraFrame c) {
            return camera(c);
        } else if (frame instanceof LidarFrame l) {
            FrameBuilder f = new FrameBuilder("lidars", l);
            rayBundle(f, l.n(), l.r(), l.direction(), l.timestampUs(), l.modelElement(), l.distanceM(), l.intensity());
            return f.build();
        } else if (frame instanceof RadarFrame r) {
            FrameBuilder f = new FrameBuilder("radars", r);
            rayBundle(f, r.n(), r.r(), r.direction(), r.timestampUs(), null, r.distanceM(), null);
            return f.build();
        }
        throw new IllegalArgumentException("unknown sensor frame " + frame.getClass().getName());
    }

    /** The encoded image is stored as is. */
    private static EncodedFrame camera(CameraFrame c) {
        FrameBuilder f = new FrameBuilder("cameras", c);
        ObjectNode attrs = NODES.objectNode().put("format", c.format());
        f.array("image", attrs, DataType.bytes(c.image().length), new long[0], new long[0], false, c.image());
        return f.build();
    }

    private static void rayBundle(FrameBuilder f, int n, int r, byte[] direction, byte[] timestampUs,
                                  byte[] modelElement, byte[] distanceM, byte[] intensity) {
        f.group("ray_bundle", NODES.objectNode().put("n_rays", n));
        f.array("ray_bundle/direction", null, DataType.FLOAT32, new long[] {n, 3}, new long[] {n, 3}, true,
                direction);
        f.array("ray_bundle/timestamp_us", null, DataType.UINT64, new long[] {n}, new long[] {n}, true, timestampUs);
        if (modelElement != null) {
            f.array("ray_bundle/model_element", null, DataType.UINT16, new long[] {n, 2}, new long[] {n, 2}, true,
                    modelElement);
        }
        f.group("ray_bundle_returns", NODES.objectNode().put("n_returns", r));
        // ncore chunks per-return data along returns: chunk shape (1, N)
        f.array("ray_bundle_returns/distance_m", null, DataType.FLOAT32, new long[] {r, n}, new long[] {1, n}, true,
                distanceM);
        if (intensity != null) {
            f.array("ray_bundle_returns/intensity", null, DataType.FLOAT32, new long[] {r, n}, new long[] {1, n},
                    true, intensity);
        }
        byte[] validPacked = packValidMask(distanceM, r, n); // after distance_m's length was checked as an array
        ObjectNode maskAttrs = NODES.objectNode().put("n_returns", r).put("n_rays", n);
        long packedLen = validPacked.length;
        f.array("ray_bundle_returns_valid_mask_packed", maskAttrs, DataType.UINT8, new long[] {packedLen},
                new long[] {packedLen}, true, validPacked);
    }

    /**
     * {@code np.packbits(~np.isnan(distance_m))}: the [r, n] valid mask flattened in C order (return-major),
     * eight entries per byte, first entry in the most significant bit, the last byte padded with zeros.
     * (ncore asserts that intensity is NaN at the same places; a valid frame guarantees it.)
     */
    static byte[] packValidMask(byte[] distanceM, int r, int n) {
        int count = Math.multiplyExact(r, n);
        byte[] packed = new byte[(count + 7) / 8];
        // eight entries per output byte, without branches: one store per byte instead of a read-modify-write per bit
        int full = count >>> 3;
        for (int b = 0; b < full; b++) {
            int at = b * 32;
            int bits = 0;
            for (int k = 0; k < 8; k++) {
                bits = (bits << 1) | validBit((int) LE_INT.get(distanceM, at + 4 * k));
            }
            packed[b] = (byte) bits;
        }
        for (int i = full * 8; i < count; i++) {
            packed[i >>> 3] |= (byte) (validBit((int) LE_INT.get(distanceM, i * 4)) << (7 - (i & 7)));
        }
        return packed;
    }

    /**
     * 1 unless the float32 with these raw bits is NaN (exponent all ones, mantissa non-zero): the magnitude bits minus
     * the smallest NaN's are negative exactly for the numbers, and the sign of that difference is the bit.
     */
    private static int validBit(int bits) {
        return ((bits & 0x7fffffff) - 0x7f800001) >>> 31;
    }

    /** Collects the nodes and chunks of one frame. */
    static final class FrameBuilder {
        private final String component;
        private final String sensor;
        private final long t0;
        private final long t1;
        private final String framePath;
        private final List<FrameNode> nodes = new ArrayList<>();
        private final List<Chunk> chunks = new ArrayList<>();

        FrameBuilder(String component, SensorFrame frame) {
            this.component = component;
            this.sensor = frame.sensor();
            this.t0 = frame.t0();
            this.t1 = frame.t1();
            this.framePath = component + "/" + sensor + "/frames/" + t1;
            group("", null);
            group("generic_data", frame.meta().deepCopy());
            for (Map.Entry<String, TypedArray> e : frame.data().entrySet()) {
                String name = e.getKey();
                // names become zarr node names: no '/', not reserved by zarr ('.'/'__' prefixes,
                // "zarr.json" which would collide with the group's own metadata key)
                if (name == null || !DATA_NAME.matcher(name).matches() || name.startsWith(".")
                        || name.startsWith("__") || name.equals("zarr.json")) {
                    throw bad("bad generic data name \"" + name + "\"; expected [A-Za-z0-9_.-]{1,128}, not starting"
                            + " with . or __, not zarr.json");
                }
                TypedArray a = e.getValue();
                long[] chunkShape = a.shape().clone();
                // ncore stores generic data unchunked (chunks = shape); zarr needs chunk lengths >= 1
                for (int i = 0; i < chunkShape.length; i++) {
                    chunkShape[i] = Math.max(1, chunkShape[i]);
                }
                array("generic_data/" + name, null, Dtypes.numeric(a.dtype()), a.shape(), chunkShape, true,
                        a.bytes());
            }
        }

        IllegalArgumentException bad(String what) {
            return new IllegalArgumentException(component + " frame " + sensor + " t1=" + t1 + ": " + what);
        }

        void group(String path, ObjectNode attrs) {
            nodes.add(FrameNode.group(path, attrs));
        }

        /**
         * Adds an array node and its chunks. Not input validation (a valid frame always passes): the one guard
         * that no chunk is cut from bytes that do not fill the node's shape.
         */
        void array(String path, ObjectNode attrs, DataType type, long[] shape, long[] chunkShape,
                   boolean compressed, byte[] raw) {
            long expected = type.itemSize();
            for (long d : shape) {
                if (d < 0) {
                    throw bad(path + " has a negative dimension in shape " + Arrays.toString(shape));
                }
                expected = Math.multiplyExact(expected, d);
            }
            if (raw.length != expected) {
                throw bad(path + " has " + raw.length + " bytes, expected " + expected);
            }
            long[] cs = chunkShape.clone();
            for (int i = 0; i < cs.length; i++) {
                cs[i] = Math.max(1, cs[i]);
            }
            FrameNode node = FrameNode.array(path, attrs, Dtypes.spelling(type), shape, cs, compressed);
            nodes.add(node);
            CodecPipeline pipeline = pipeline(node);
            for (ChunkGrid.RawChunk c : ChunkGrid.split(raw, shape, cs, type.itemSize())) {
                if (compressed && ChunkGrid.allZero(c.raw())) {
                    continue; // zarr-python 3 does not write chunks equal to the fill value
                }
                String key = framePath + "/" + path + "/" + ChunkKeys.v3(c.index());
                chunks.add(new Chunk(key, pipeline.encode(c.raw())));
            }
        }

        /**
         * The node's codec pipeline. Compressed arrays: cached by (dtype, shape, chunk shape), which is all the
         * pipeline depends on (attributes do not take part); built the first time exactly as uncached, so a bad
         * node fails the same way. Uncompressed arrays (images: a new S<length> type nearly every frame) are
         * not cached.
         */
        private static CodecPipeline pipeline(FrameNode node) {
            if (!node.compressed()) {
                return NodeMetadata.pipeline(NodeMetadata.array(node));
            }
            PipelineKey key = PipelineKey.of(node.dtype(), node.shape(), node.chunkShape());
            CodecPipeline cached = PIPELINES.get(key);
            if (cached != null) {
                return cached;
            }
            CodecPipeline built = NodeMetadata.pipeline(NodeMetadata.array(node));
            if (PIPELINES.size() >= PIPELINE_CACHE_LIMIT) {
                PIPELINES.clear();
            }
            PIPELINES.putIfAbsent(key, built);
            return built;
        }

        EncodedFrame build() {
            nodes.sort(Comparator.comparing(FrameNode::path));
            chunks.sort(Comparator.comparing(Chunk::key));
            long bytes = 0;
            for (Chunk c : chunks) {
                bytes += c.bytes().length;
            }
            FrameEntry entry = new FrameEntry(component, sensor, t0, t1, nodes, chunks.size(), bytes);
            return new EncodedFrame(entry, chunks);
        }
    }
}
