package dev.itar.ncore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import dev.itar.frames.CameraFrame;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.LidarFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.RadarFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.frames.TypedArray;
import dev.itar.frames.WireDecoder;
import dev.itar.frames.WireEncoder;
import dev.itar.zarr.CodecPipeline;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FrameEncoderTest {
    private static final float NAN = Float.NaN;
    private final FrameEncoder encoder = new FrameEncoder();

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    static byte[] longs(long... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }

    static byte[] shorts(int... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putShort((short) x);
        }
        return b.array();
    }

    static byte[] directions(int n) {
        float[] d = new float[n * 3];
        for (int i = 0; i < n; i++) {
            d[i * 3] = 1f;
        }
        return floats(d);
    }

    private static FrameNode node(EncodedFrame f, String path) {
        return f.entry().nodes().stream().filter(n -> n.path().equals(path)).findFirst().orElseThrow();
    }

    private static byte[] decoded(EncodedFrame f, String path, String chunkKey) throws Exception {
        Chunk c = f.chunks().stream().filter(x -> x.key().equals(f.entry().framePath() + "/" + path + "/" + chunkKey))
                .findFirst().orElseThrow(() -> new AssertionError("no chunk " + path + "/" + chunkKey));
        return CodecPipeline.of(NodeMetadata.array(node(f, path))).decode(c.bytes());
    }

    @Test
    void validMaskIsNumpysPackbitsOfNotNanForEveryLengthAndEveryKindOfNan() {
        java.util.Random random = new java.util.Random(7);
        int[] specials = {0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fffffff, 0x7f800000, 0xff800000,
                0x00000000, 0x80000000, 0x00000001, 0x7f7fffff};
        for (int count : new int[] {1, 7, 8, 9, 15, 16, 17, 63, 64, 1001}) {
            ByteBuffer values = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
            byte[] expected = new byte[(count + 7) / 8];
            for (int i = 0; i < count; i++) {
                int bits = random.nextBoolean() ? specials[random.nextInt(specials.length)]
                        : Float.floatToRawIntBits(random.nextFloat() * 100);
                values.putInt(bits);
                if (!Float.isNaN(Float.intBitsToFloat(bits))) {
                    expected[i / 8] |= (byte) (0x80 >>> (i % 8));
                }
            }
            assertThat(FrameEncoder.packValidMask(values.array(), 1, count)).as("%d entries", count)
                    .containsExactly(expected);
        }
    }

    @Test
    void validMaskIsNumpyPackbitsOfNonNanDistancesReturnMajorMsbFirst() throws Exception {
        // r = 2 returns, n = 5 rays: 10 mask bits -> 2 bytes
        float[] dist = {1, NAN, 2, 3, NAN, /* return 1 */ NAN, NAN, 4, NAN, 5};
        float[] inten = {0.1f, NAN, 0.2f, 0.3f, NAN, NAN, NAN, 0.4f, NAN, 0.5f};
        EncodedFrame f = encoder.encode(new LidarFrame("lidar_top", 10, 20, 5, 2, directions(5), longs(10, 11, 12, 13, 14),
                floats(dist), floats(inten), null, null, null));

        // valid bits: 1 0 1 1 0 | 0 0 1 0 1 (+ 6 zero pad) -> 10110001 01000000
        byte[] mask = decoded(f, "ray_bundle_returns_valid_mask_packed", "c/0");
        assertThat(mask).containsExactly((byte) 0b1011_0001, (byte) 0b0100_0000);
        FrameNode maskNode = node(f, "ray_bundle_returns_valid_mask_packed");
        assertThat(maskNode.shape()).containsExactly(2);
        assertThat(maskNode.dtype()).isEqualTo("uint8");
        assertThat(maskNode.attributes().toString()).isEqualTo("{\"n_returns\":2,\"n_rays\":5}");

        // NaN distances are stored as they are, one chunk per return (chunk shape (1, N))
        assertThat(node(f, "ray_bundle_returns/distance_m").chunkShape()).containsExactly(1, 5);
        assertThat(decoded(f, "ray_bundle_returns/distance_m", "c/0/0")).isEqualTo(floats(1, NAN, 2, 3, NAN));
        assertThat(decoded(f, "ray_bundle_returns/distance_m", "c/1/0")).isEqualTo(floats(NAN, NAN, 4, NAN, 5));
        assertThat(decoded(f, "ray_bundle_returns/intensity", "c/1/0"))
                .isEqualTo(floats(NAN, NAN, 0.4f, NAN, 0.5f));
    }

    @Test
    void lidarLayoutHasNcoresNodesAttributesAndChunks() {
        EncodedFrame f = encoder.encode(new LidarFrame("lidar_top", 10, 20, 2, 1, directions(2), longs(10, 20), floats(1, 2),
                floats(0.5f, 0.5f), shorts(1, 2, 3, 4), null, null));
        assertThat(f.entry().nodes()).extracting(FrameNode::path).containsExactly("", "generic_data", "ray_bundle",
                "ray_bundle/direction", "ray_bundle/model_element", "ray_bundle/timestamp_us", "ray_bundle_returns",
                "ray_bundle_returns/distance_m", "ray_bundle_returns/intensity",
                "ray_bundle_returns_valid_mask_packed");
        assertThat(node(f, "ray_bundle").attributes().get("n_rays").intValue()).isEqualTo(2);
        assertThat(node(f, "ray_bundle_returns").attributes().get("n_returns").intValue()).isEqualTo(1);
        assertThat(node(f, "ray_bundle/timestamp_us").dtype()).isEqualTo("uint64");
        assertThat(node(f, "ray_bundle/model_element").dtype()).isEqualTo("uint16");
        assertThat(f.chunks()).extracting(Chunk::key).containsExactly(
                "lidars/lidar_top/frames/20/ray_bundle/direction/c/0/0",
                "lidars/lidar_top/frames/20/ray_bundle/model_element/c/0/0",
                "lidars/lidar_top/frames/20/ray_bundle/timestamp_us/c/0",
                "lidars/lidar_top/frames/20/ray_bundle_returns/distance_m/c/0/0",
                "lidars/lidar_top/frames/20/ray_bundle_returns/intensity/c/0/0",
                "lidars/lidar_top/frames/20/ray_bundle_returns_valid_mask_packed/c/0");
        assertThat(f.entry().chunkCount()).isEqualTo(6);
        assertThat(f.entry().chunkBytes()).isEqualTo(f.chunks().stream().mapToLong(c -> c.bytes().length).sum());
    }

    @Test
    void radarHasNoIntensityNorModelElement() {
        EncodedFrame f = encoder.encode(new RadarFrame("radar_front", 0, 5, 3, 1, directions(3), longs(1, 2, 3),
                floats(7, NAN, 9), null, null));
        assertThat(f.entry().nodes()).extracting(FrameNode::path)
                .doesNotContain("ray_bundle_returns/intensity", "ray_bundle/model_element")
                .contains("ray_bundle_returns/distance_m");
        assertThat(f.entry().component()).isEqualTo("radars");
    }

    @Test
    void cameraImageIsA0dByteStringStoredVerbatim() {
        byte[] jpeg = {(byte) 0xff, (byte) 0xd8, 0, 0, 1, 2, (byte) 0xff, (byte) 0xd9};
        EncodedFrame f = encoder.encode(new CameraFrame("cam0", 100, 150, "jpeg", jpeg, null, null));
        FrameNode image = node(f, "image");
        assertThat(image.dtype()).isEqualTo("S8");
        assertThat(image.shape()).isEmpty();
        assertThat(image.compressed()).isFalse();
        assertThat(image.attributes().get("format").asText()).isEqualTo("jpeg");
        assertThat(f.chunks()).containsExactly(new Chunk("cameras/cam0/frames/150/image/c", jpeg));
        assertThat(new String(NodeMetadata.array(image).toJson())).contains("null_terminated_bytes")
                .contains("\"length_bytes\": 8").doesNotContain("blosc");
    }

    @Test
    void genericDataOfSeveralDtypesBecomesUnchunkedLz4Arrays() throws Exception {
        SortedMap<String, TypedArray> data = new TreeMap<>();
        data.put("exposure_us", new TypedArray("uint32", new long[] {1}, new byte[] {0x10, 0x27, 0, 0}));
        data.put("gains", new TypedArray("float64", new long[] {2}, java.nio.ByteBuffer.allocate(16)
                .order(ByteOrder.LITTLE_ENDIAN).putDouble(1.5).putDouble(-2.25).array()));
        data.put("flags", new TypedArray("bool", new long[] {2, 2}, new byte[] {1, 0, 0, 1}));
        data.put("scalar", new TypedArray("int16", new long[0], new byte[] {(byte) 0xfe, (byte) 0xff}));
        ObjectNode meta = JsonNodeFactory.instance.objectNode().put("frame_index", 3).put("exposure", 0.5);
        EncodedFrame f = encoder.encode(new CameraFrame("cam0", 1, 2, "png", new byte[] {1}, meta, data));

        assertThat(node(f, "generic_data").attributes()).isEqualTo(meta);
        assertThat(node(f, "generic_data/flags").dtype()).isEqualTo("bool");
        assertThat(node(f, "generic_data/flags").chunkShape()).containsExactly(2, 2);
        assertThat(node(f, "generic_data/scalar").shape()).isEmpty();
        assertThat(decoded(f, "generic_data/exposure_us", "c/0")).isEqualTo(data.get("exposure_us").bytes());
        assertThat(decoded(f, "generic_data/gains", "c/0")).isEqualTo(data.get("gains").bytes());
        assertThat(decoded(f, "generic_data/flags", "c/0/0")).isEqualTo(data.get("flags").bytes());
        assertThat(decoded(f, "generic_data/scalar", "c")).isEqualTo(data.get("scalar").bytes());
        assertThat(new String(NodeMetadata.array(node(f, "generic_data/gains")).toJson()))
                .contains("\"cname\": \"lz4\"").contains("\"shuffle\": \"bitshuffle\"").contains("\"clevel\": 5");
    }

    @Test
    void allZeroNumericChunksAreNotStoredLikeZarrPython3() {
        // model elements all zero and the second return all 0.0: zarr-python 3 skips chunks equal to the fill
        EncodedFrame f = encoder.encode(new LidarFrame("l", 0, 1, 2, 2, directions(2), longs(0, 1), floats(1, 2, 0, 0),
                floats(0.5f, 0.5f, 0, 0), shorts(0, 0, 0, 0), null, null));
        assertThat(f.chunks()).extracting(Chunk::key)
                .doesNotContain("lidars/l/frames/1/ray_bundle/model_element/c/0/0",
                        "lidars/l/frames/1/ray_bundle_returns/distance_m/c/1/0")
                .contains("lidars/l/frames/1/ray_bundle_returns/distance_m/c/0/0");
        assertThat(f.entry().chunkCount()).isEqualTo(f.chunks().size());
    }

    @Test
    void zeroRaysGiveEmptyArraysWithoutChunks() {
        EncodedFrame f = encoder.encode(new LidarFrame("l", 0, 1, 0, 1, new byte[0], new byte[0], new byte[0], new byte[0], null,
                null, null));
        assertThat(node(f, "ray_bundle/direction").shape()).containsExactly(0, 3);
        assertThat(node(f, "ray_bundle/direction").chunkShape()).containsExactly(1, 3);
        assertThat(f.chunks()).isEmpty();
    }

    /**
     * The frame rules the wire format states (intensity NaN exactly where distance is, n and r at least 1, a
     * non-empty image, ...) are the decoder's (WireDecoderTest); the encoder checks only what ncore needs beyond
     * them, and names the frame.
     */
    @Test
    void badInputNamesFrameAndField() {
        assertThatThrownBy(() -> encoder.encode(new RadarFrame("r", 0, 9, 2, 1, directions(1), longs(0, 1),
                floats(1, 2), null, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("radars frame r t1=9: ray_bundle/direction has 12 bytes, expected 24");
        assertThatThrownBy(() -> encoder.encode(new CameraFrame("c", 10, 9, "jpeg", new byte[1], null, null)))
                .hasMessage("frame cameras/c: need 0 <= t0 <= t1, got t0=10 t1=9");
        assertThatThrownBy(() -> encoder.encode(new CameraFrame("../x", 0, 9, "jpeg", new byte[1], null, null)))
                .hasMessageContaining("bad sensor id \"../x\"");
        assertThatThrownBy(() -> encoder.encode(new CameraFrame("c", 0, 9, "jpeg", new byte[0], null, null)))
                .hasMessageContaining("byte-string length must be >= 1, got 0");
        SortedMap<String, TypedArray> short4 = new TreeMap<>(Map.of("g",
                new TypedArray("uint32", new long[] {2}, new byte[4])));
        assertThatThrownBy(() -> encoder.encode(new CameraFrame("c", 0, 9, "jpeg", new byte[1], null, short4)))
                .hasMessage("cameras frame c t1=9: generic_data/g has 4 bytes, expected 8");
        SortedMap<String, TypedArray> complex = new TreeMap<>(Map.of("g",
                new TypedArray("complex64", new long[] {1}, new byte[8])));
        assertThatThrownBy(() -> encoder.encode(new CameraFrame("c", 0, 9, "jpeg", new byte[1], null, complex)))
                .hasMessageContaining("unsupported dtype \"complex64\"");
        SortedMap<String, TypedArray> badName = new TreeMap<>(Map.of("a/b",
                new TypedArray("uint8", new long[] {1}, new byte[1])));
        assertThatThrownBy(() -> encoder.encode(new CameraFrame("c", 0, 9, "jpeg", new byte[1], null, badName)))
                .hasMessageContaining("bad generic data name \"a/b\"");
    }

    @Test
    void aDataNameTheWireAllowsButZarrReservesIsRefusedByTheEncoder() throws Exception {
        SortedMap<String, TypedArray> reserved = new TreeMap<>(Map.of("zarr.json",
                new TypedArray("uint8", new long[] {1}, new byte[1])));
        CameraFrame frame = new CameraFrame("c", 0, 9, "jpeg", new byte[1], null, reserved);
        assertThat(WireDecoder.decode("rec", WireEncoder.encode(frame))).isEqualTo(frame);
        assertThatThrownBy(() -> encoder.encode(frame))
                .hasMessageContaining("bad generic data name \"zarr.json\"");
    }

    @Test
    void encodingIsDeterministic() {
        EncodedFrame a = encoder.encode(new LidarFrame("l", 0, 1, 3, 2, directions(3), longs(0, 1, 1),
                floats(1, 2, 3, 4, NAN, 6), floats(.1f, .2f, .3f, .4f, NAN, .6f), shorts(1, 2, 3, 4, 5, 6), null,
                null));
        EncodedFrame b = encoder.encode(new LidarFrame("l", 0, 1, 3, 2, directions(3), longs(0, 1, 1),
                floats(1, 2, 3, 4, NAN, 6), floats(.1f, .2f, .3f, .4f, NAN, .6f), shorts(1, 2, 3, 4, 5, 6), null,
                null));
        assertThat(a).isEqualTo(b);
    }

    @Test
    void valuesSurviveJacksonCborAsIngestStoresThem() throws Exception {
        ObjectMapper cbor = new ObjectMapper(new CBORFactory());
        SortedMap<String, TypedArray> data = new TreeMap<>(Map.of("g",
                new TypedArray("float32", new long[] {1}, floats(2.5f))));
        ObjectNode meta = JsonNodeFactory.instance.objectNode().put("i", 1).put("x", 30.0);
        meta.putArray("tags").add("a");
        EncodedFrame f = encoder.encode(new CameraFrame("cam0", 1, 2, "jpeg", new byte[] {9, 8}, meta, data));

        EncodedFrame f2 = cbor.readValue(cbor.writeValueAsBytes(f), EncodedFrame.class);
        assertThat(f2).isEqualTo(f);
        FrameEntry e2 = cbor.readValue(cbor.writeValueAsBytes(f.entry()), FrameEntry.class);
        assertThat(e2).isEqualTo(f.entry());
        assertThat(e2.nodes().get(1).attributes().get("x").isDouble()).isTrue();

        SequenceHeader h = new SequenceHeader("seq", meta, java.util.OptionalLong.of(77));
        assertThat(cbor.readValue(cbor.writeValueAsBytes(h), SequenceHeader.class)).isEqualTo(h);
        SequenceHeader h0 = new SequenceHeader("seq", null, java.util.OptionalLong.empty());
        assertThat(cbor.readValue(cbor.writeValueAsBytes(h0), SequenceHeader.class)).isEqualTo(h0);

        double[] m = {1, 0, 0, 1.5, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
        PoseFrame p = new PoseFrame("rig", "world", 5, m);
        assertThat(cbor.readValue(cbor.writeValueAsBytes(p), PoseFrame.class)).isEqualTo(p);
        StaticPoseFrame s = new StaticPoseFrame("cam0", "rig", m, "float32");
        assertThat(cbor.readValue(cbor.writeValueAsBytes(s), StaticPoseFrame.class)).isEqualTo(s);
        IntrinsicsFrame in = new IntrinsicsFrame("cam0", "camera", meta);
        assertThat(cbor.readValue(cbor.writeValueAsBytes(in), IntrinsicsFrame.class)).isEqualTo(in);
        assertThat(cbor.readValue(cbor.writeValueAsBytes(data.get("g")), TypedArray.class)).isEqualTo(data.get("g"));
        assertThat(List.of(cbor.readValue(cbor.writeValueAsBytes(f.chunks().get(0)), Chunk.class)))
                .containsExactly(f.chunks().get(0));
    }
}
