package dev.itar.frames;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.itar.frames.TestRecords.decode;
import static dev.itar.frames.TestRecords.floats;
import static dev.itar.frames.TestRecords.typedArray;
import static dev.itar.frames.TestRecords.uint16s;
import static dev.itar.frames.TestRecords.uint64s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** One test (valid and invalid variants) per rule of wire-format.md and WireDecoder's documented decisions. */
class WireDecoderTest {

    static InvalidRecordException rejected(Map<String, Object> record) {
        InvalidRecordException e = catchThrowableOfType(InvalidRecordException.class, () -> decode(record));
        assertThat(e).as("record should have been rejected: %s", record).isNotNull();
        assertThat(e.getMessage()).isEqualTo(e.code() + ": " + e.reason());
        return e;
    }

    static void assertRejected(Map<String, Object> record, String code, String... reasonParts) {
        InvalidRecordException e = rejected(record);
        assertThat(e.code()).as(e.reason()).isEqualTo(code);
        assertThat(e.reason()).contains(reasonParts);
    }

    // ---- Envelope ----
    @Test
    void versionMustBeOne() throws Exception {
        assertThat(decode(TestRecords.end())).isInstanceOf(EndFrame.class);
        Map<String, Object> r = TestRecords.end();
        r.put("v", 2);
        assertRejected(r, "bad-version", "'v'", "2", "version 1");
    }

    @Test
    void versionMissingOrNotAnInteger() {
        Map<String, Object> r = TestRecords.end();
        r.remove("v");
        assertRejected(r, "missing-field", "'v'");
        r.put("v", 1.0);
        assertRejected(r, "wrong-type", "'v'", "float");
        r.put("v", "1");
        assertRejected(r, "wrong-type", "'v'", "text '1'");
    }

    @Test
    void typeMustBeKnownText() {
        Map<String, Object> r = TestRecords.end();
        r.put("type", "gps");
        assertRejected(r, "unknown-type", "'type'", "'gps'", "camera");
        r.put("type", 7);
        assertRejected(r, "wrong-type", "'type'", "must be text");
        r.remove("type");
        assertRejected(r, "missing-field", "'type'");
    }

    @Test
    void unknownFieldsAreRejected() {
        Map<String, Object> r = TestRecords.lidar();
        r.put("intensities", new byte[0]);
        assertRejected(r, "unknown-field", "lidar", "'intensities'", "intensity");
        Map<String, Object> radar = TestRecords.radar();
        radar.put("intensity", TestRecords.floats(0, 0, 0, 0, 0, 0, 0, 0));
        assertRejected(radar, "unknown-field", "radar", "'intensity'");
        Map<String, Object> pose = TestRecords.staticPose();
        pose.put("t", 5L);
        assertRejected(pose, "unknown-field", "static_pose", "'t'");
    }

    @Test
    void recordIdIsChecked() {
        assertThatThrownBy(() -> WireDecoder.decode("../x", TestCbor.encode(TestRecords.end())))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                    assertThat(e.code()).isEqualTo("bad-key");
                    assertThat(e.reason()).contains("recording id", "'../x'");
                });
        assertThatThrownBy(() -> WireDecoder.decode(null, TestCbor.encode(TestRecords.end())))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).contains("recording id", "missing"));
    }

    @Test
    void nullValueIsRejected() {
        assertThatThrownBy(() -> WireDecoder.decode("r1", null))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).contains("missing"));
    }

    // ---- Unsigned ----
    @Test
    void negativeTimeIsRejected() {
        Map<String, Object> r = TestRecords.camera();
        r.put("t0", -5L);
        assertRejected(r, "wrong-type", "camera field 't0'", "unsigned", "-5");
    }

    @Test
    void floatTimeIsRejected() {
        Map<String, Object> r = TestRecords.camera();
        r.put("t1", 1033.0);
        assertRejected(r, "wrong-type", "camera field 't1'", "float");
    }

    @Test
    void timeAboveInt64IsRejected() {
        Map<String, Object> r = TestRecords.end();
        r.put("t", -1L); // placeholder replaced below by raw bytes
        byte[] value = TestCbor.encode(r);
        // replace the trailing negative int 0x20 with uint64 2^64-1 (0x1b ff..ff)
        byte[] patched = new byte[value.length + 8];
        System.arraycopy(value, 0, patched, 0, value.length - 1);
        patched[value.length - 1] = 0x1b;
        for (int i = 0; i < 8; i++) {
            patched[value.length + i] = (byte) 0xFF;
        }
        InvalidRecordException e = catchThrowableOfType(InvalidRecordException.class,
                () -> WireDecoder.decode("r1", patched));
        assertThat(e.code()).isEqualTo("out-of-range");
        assertThat(e.reason()).contains("end field 't'", new BigInteger("18446744073709551615").toString(), "2^63-1");
    }

    @Test
    void largestInt64TimeIsAccepted() throws Exception {
        Map<String, Object> r = TestRecords.end();
        r.put("t", Long.MAX_VALUE);
        assertThat(((EndFrame) decode(r)).t()).hasValue(Long.MAX_VALUE);
    }

    // ---- Start ----
    @Test
    void fullAndEmptyStart() throws Exception {
        StartFrame f = (StartFrame) decode(TestRecords.start());
        assertThat(f.sequenceId()).hasValue("seq-0001");
        assertThat(f.meta().get("vehicle").textValue()).isEqualTo("car-7");
        StartFrame empty = (StartFrame) decode(TestRecords.base("start"));
        assertThat(empty.sequenceId()).isEmpty();
        assertThat(empty.meta().isEmpty()).isTrue();
    }

    @Test
    void sequenceIdSyntax() {
        Map<String, Object> r = TestRecords.start();
        r.put("sequence_id", "../etc");
        assertRejected(r, "bad-name", "start field 'sequence_id'", "'../etc'");
        r.put("sequence_id", 12);
        assertRejected(r, "wrong-type", "start field 'sequence_id'");
    }

    @Test
    void metaMustBeAMap() {
        Map<String, Object> r = TestRecords.start();
        r.put("meta", List.of(1, 2));
        assertRejected(r, "wrong-type", "start field 'meta'", "must be a map", "array");
    }

    // ---- JsonLikeMaps ----
    @Test
    void jsonLikeValuesAreAccepted() throws Exception {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("s", "x");
        meta.put("i", -3);
        meta.put("big", Long.MIN_VALUE);
        meta.put("f", 1.5);
        meta.put("f32", 0.25f);
        meta.put("b", false);
        meta.put("n", null);
        meta.put("list", List.of(1, "two", Map.of("three", 3.0)));
        Map<String, Object> r = TestRecords.camera();
        r.put("meta", meta);
        JsonNode decoded = ((CameraFrame) decode(r)).meta();
        assertThat(decoded.get("big").longValue()).isEqualTo(Long.MIN_VALUE);
        assertThat(decoded.get("f32").doubleValue()).isEqualTo(0.25);
        assertThat(decoded.get("n").isNull()).isTrue();
        assertThat(decoded.get("list").get(2).get("three").doubleValue()).isEqualTo(3.0);
        assertThat(decoded.fieldNames()).toIterable().containsExactly("s", "i", "big", "f", "f32", "b", "n", "list");
    }

    @Test
    void byteStringInMetaIsRejected() {
        Map<String, Object> r = TestRecords.camera();
        r.put("meta", Map.of("calib", List.of(new byte[] {1})));
        assertRejected(r, "wrong-type", "camera field 'meta'", ".calib[0]", "byte string", "JSON-like");
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void nonFiniteFloatInModelIsRejected(double value) {
        Map<String, Object> r = TestRecords.intrinsics();
        r.put("model", Map.of("fx", value));
        assertRejected(r, "wrong-type", "intrinsics field 'model'", ".fx", "float");
    }

    @Test
    void nonTextKeyInMetaIsRejected() {
        Map<Object, Object> meta = new LinkedHashMap<>();
        meta.put(7, "seven");
        Map<String, Object> r = TestRecords.camera();
        r.put("meta", meta);
        assertRejected(r, "bad-cbor", "map key", "text");
    }

    // ---- SensorFields ----
    @ParameterizedTest
    @ValueSource(strings = {"", "cam/front", "..", "cam front", "kamera_ä",
            "a234567890123456789012345678901234567890123456789012345678901234X"})
    void badSensorIds(String sensor) {
        Map<String, Object> r = TestRecords.camera();
        r.put("sensor", sensor);
        assertRejected(r, "bad-name", "camera field 'sensor'", "[A-Za-z0-9_-]{1,64}");
    }

    @Test
    void sensorIdEdgeCases() throws Exception {
        Map<String, Object> r = TestRecords.camera();
        r.put("sensor", "_");
        assertThat(((CameraFrame) decode(r)).sensor()).isEqualTo("_");
        r.put("sensor", "a".repeat(64));
        assertThat(((CameraFrame) decode(r)).sensor()).hasSize(64);
    }

    @Test
    void t0MustNotExceedT1() throws Exception {
        Map<String, Object> r = TestRecords.camera();
        r.put("t0", 1033L);
        assertThat(((CameraFrame) decode(r)).t0()).isEqualTo(1033L); // t0 == t1 is fine
        r.put("t0", 1034L);
        assertRejected(r, "out-of-range", "camera field 't0'", "1034", "1033");
    }

    @Test
    void missingRequiredFields() {
        for (String field : List.of("sensor", "t0", "t1", "format", "image")) {
            Map<String, Object> r = TestRecords.camera();
            r.remove(field);
            assertRejected(r, "missing-field", "camera", "'" + field + "'");
        }
        for (String field : List.of("n", "r", "direction", "timestamp_us", "distance_m", "intensity")) {
            Map<String, Object> r = TestRecords.lidar();
            r.remove(field);
            assertRejected(r, "missing-field", "lidar", "'" + field + "'");
        }
    }

    // ---- Camera ----
    @Test
    void validCamera() throws Exception {
        CameraFrame f = (CameraFrame) decode(TestRecords.camera());
        assertThat(f.sensor()).isEqualTo("camera_front-wide");
        assertThat(f.kind()).isEqualTo("camera");
        assertThat(f.t0()).isEqualTo(1000L);
        assertThat(f.t1()).isEqualTo(1033L);
        assertThat(f.format()).isEqualTo("jpeg");
        assertThat(f.image()).containsExactly(0xFF, 0xD8, 0xFF, 0x00, 0x01);
        assertThat(f.meta().isEmpty()).isTrue();
        assertThat(f.data()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "JPEG", "image/png", "png "})
    void formatSyntax(String format) {
        Map<String, Object> r = TestRecords.camera();
        r.put("format", format);
        assertRejected(r, "bad-name", "camera field 'format'", "[a-z0-9]{1,32}");
    }

    @Test
    void imageMustBeNonEmptyBytes() {
        Map<String, Object> r = TestRecords.camera();
        r.put("image", new byte[0]);
        assertRejected(r, "bad-length", "camera field 'image'", "empty");
        r.put("image", "base64data");
        assertRejected(r, "wrong-type", "camera field 'image'", "byte string", "text");
    }

    // ---- Lidar ----
    @Test
    void validLidar() throws Exception {
        LidarFrame f = (LidarFrame) decode(TestRecords.lidar());
        assertThat(f.kind()).isEqualTo("lidar");
        assertThat(f.n()).isEqualTo(4);
        assertThat(f.r()).isEqualTo(2);
        assertThat(f.direction()).hasSize(48);
        assertThat(f.timestampUs()).isEqualTo(uint64s(1000, 1001, 1002, 1010));
        assertThat(f.distanceM()).isEqualTo(floats(1.5f, 2.5f, 0, 100, Float.NaN, 3, Float.NaN, 7));
        assertThat(f.modelElement()).isEqualTo(uint16s(0, 0, 0, 1, 1, 0, 1, 1));
    }

    @Test
    void modelElementIsOptional() throws Exception {
        Map<String, Object> r = TestRecords.lidar();
        r.remove("model_element");
        assertThat(((LidarFrame) decode(r)).modelElement()).isNull();
        r.put("model_element", uint16s(0, 0, 0, 1));
        assertRejected(r, "bad-length", "lidar field 'model_element'", "has 8 bytes", "n=4 needs 16", "uint16 N×2");
    }

    @Test
    void nAndRAtLeastOne() {
        Map<String, Object> r = TestRecords.lidar();
        r.put("r", 0);
        assertRejected(r, "out-of-range", "lidar field 'r'", "at least 1");
        r = TestRecords.lidar();
        r.put("n", 0);
        assertRejected(r, "out-of-range", "lidar field 'n'", "at least 1");
    }

    @Test
    void hugeNIsRejectedWithoutOverflow() {
        Map<String, Object> r = TestRecords.lidar();
        r.put("n", Long.MAX_VALUE);
        assertRejected(r, "out-of-range", "lidar field 'n'", String.valueOf(Long.MAX_VALUE));
        r = TestRecords.lidar();
        r.put("r", 1L << 32);
        assertRejected(r, "out-of-range", "lidar field 'r'");
    }

    @Test
    void arrayLengthsMatchNAndR() {
        Map<String, Object> r = TestRecords.lidar();
        r.put("direction", new byte[47]);
        assertRejected(r, "bad-length", "lidar field 'direction'", "47 bytes", "n=4 needs 48", "float32 N×3");
        r = TestRecords.lidar();
        r.put("timestamp_us", uint64s(1000, 1001, 1002));
        assertRejected(r, "bad-length", "lidar field 'timestamp_us'", "24 bytes", "needs 32", "uint64 N");
        r = TestRecords.lidar();
        r.put("distance_m", floats(1, 2, 3, 4));
        assertRejected(r, "bad-length", "lidar field 'distance_m'", "16 bytes", "n=4, r=2 needs 32", "float32 R×N");
        r = TestRecords.lidar();
        r.put("intensity", floats(1, 1, 1, 1, 1, 1, 1, 1, 1));
        assertRejected(r, "bad-length", "lidar field 'intensity'", "36 bytes", "needs 32");
    }

    @Test
    void directionsMustBeUnitNorm() {
        Map<String, Object> r = TestRecords.lidar();
        r.put("direction", floats(1, 0, 0, 0, 1, 0, 0, 0, 1.01f, 0.6f, 0.8f, 0));
        assertRejected(r, "out-of-range", "lidar field 'direction'", "ray 2", "unit");
        r.put("direction", floats(1, 0, 0, 0, 1, 0, 0, 0, 1, Float.NaN, 0.8f, 0));
        assertRejected(r, "out-of-range", "lidar field 'direction'", "ray 3", "NaN");
    }

    @Test
    void directionToleranceAcceptsFloatRounding() throws Exception {
        Map<String, Object> r = TestRecords.lidar();
        r.put("direction", floats(1.0005f, 0, 0, 0, 1, 0, 0, 0, 1, 0.6f, 0.8f, 0));
        assertThat(decode(r)).isInstanceOf(LidarFrame.class);
    }

    @Test
    void rayTimesWithinFrameInterval() {
        Map<String, Object> r = TestRecords.lidar();
        r.put("timestamp_us", uint64s(1000, 999, 1002, 1010));
        assertRejected(r, "out-of-range", "lidar field 'timestamp_us'", "ray 1", "999", "t0=1000", "t1=1010");
        r.put("timestamp_us", uint64s(1000, 1000, 1002, 1011));
        assertRejected(r, "out-of-range", "lidar field 'timestamp_us'", "ray 3", "1011");
        r.put("timestamp_us", uint64s(1000, 1000, 1002, -1));
        assertRejected(r, "out-of-range", "lidar field 'timestamp_us'", "18446744073709551615");
    }

    @Test
    void distancesNonNegativeOrNaN() {
        Map<String, Object> r = TestRecords.lidar();
        r.put("distance_m", floats(1.5f, 2.5f, 0, -0.1f, Float.NaN, 3, Float.NaN, 7));
        assertRejected(r, "out-of-range", "lidar field 'distance_m'", "return 0 of ray 3", "-0.1");
        r.put("distance_m", floats(1.5f, 2.5f, 0, Float.POSITIVE_INFINITY, Float.NaN, 3, Float.NaN, 7));
        assertRejected(r, "out-of-range", "lidar field 'distance_m'", "Infinity");
    }

    @Test
    void intensityInUnitIntervalAndNaNExactlyWhereDistanceIs() {
        Map<String, Object> r = TestRecords.lidar();
        r.put("intensity", floats(0.5f, 1.01f, 0, 0.25f, Float.NaN, 0.1f, Float.NaN, 0.9f));
        assertRejected(r, "out-of-range", "lidar field 'intensity'", "return 0 of ray 1", "[0, 1]");
        r.put("intensity", floats(0.5f, 1, 0, 0.25f, 0.3f, 0.1f, Float.NaN, 0.9f));
        assertRejected(r, "out-of-range", "lidar field 'intensity'", "return 1 of ray 0", "NaN exactly");
        r.put("intensity", floats(Float.NaN, 1, 0, 0.25f, Float.NaN, 0.1f, Float.NaN, 0.9f));
        assertRejected(r, "out-of-range", "lidar field 'intensity'", "return 0 of ray 0", "NaN exactly");
        r.put("intensity", floats(-0.5f, 1, 0, 0.25f, Float.NaN, 0.1f, Float.NaN, 0.9f));
        assertRejected(r, "out-of-range", "lidar field 'intensity'", "-0.5");
    }

    @Test
    void textWhereBytesExpected() {
        Map<String, Object> r = TestRecords.lidar();
        r.put("distance_m", "1.5,2.5");
        assertRejected(r, "wrong-type", "lidar field 'distance_m'", "byte string", "text");
    }

    // ---- Radar ----
    @Test
    void validRadar() throws Exception {
        RadarFrame f = (RadarFrame) decode(TestRecords.radar());
        assertThat(f.kind()).isEqualTo("radar");
        assertThat(f.n()).isEqualTo(4);
        assertThat(f.r()).isEqualTo(2);
        assertThat(f.sensor()).isEqualTo("radar_front");
    }

    @Test
    void radarRulesMatchLidar() {
        Map<String, Object> r = TestRecords.radar();
        r.put("distance_m", floats(1, 2, 3, 4, 5, 6, 7));
        assertRejected(r, "bad-length", "radar field 'distance_m'", "28 bytes", "needs 32");
        r = TestRecords.radar();
        r.put("timestamp_us", uint64s(1, 1001, 1002, 1010));
        assertRejected(r, "out-of-range", "radar field 'timestamp_us'", "ray 0");
        r = TestRecords.radar();
        r.put("model_element", uint16s(0, 0, 0, 0, 0, 0, 0, 0));
        assertRejected(r, "unknown-field", "radar", "'model_element'");
    }

    // ---- Poses ----
    @Test
    void validPoses() throws Exception {
        PoseFrame p = (PoseFrame) decode(TestRecords.pose());
        assertThat(p.source()).isEqualTo("rig");
        assertThat(p.target()).isEqualTo("world");
        assertThat(p.t()).isEqualTo(1005L);
        assertThat(p.matrix()).containsExactly(0, -1, 0, 10, 1, 0, 0, -2, 0, 0, 1, 0.5, 0, 0, 0, 1);
        StaticPoseFrame s = (StaticPoseFrame) decode(TestRecords.staticPose());
        assertThat(s.matrix()[11]).isEqualTo(1.8);
    }

    @Test
    void matrixMustBe128Bytes() {
        Map<String, Object> r = TestRecords.pose();
        r.put("matrix", new byte[120]);
        assertRejected(r, "bad-length", "pose field 'matrix'", "120 bytes", "128");
    }

    @Test
    void matrixMustBeFinite() {
        Map<String, Object> r = TestRecords.pose();
        r.put("matrix", Matrices.toBytes(1, 0, 0, Double.NaN, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1));
        assertRejected(r, "not-rigid", "pose field 'matrix'", "NaN", "row 0, column 3");
    }

    @Test
    void lastRowMustBe0001() {
        Map<String, Object> r = TestRecords.staticPose();
        r.put("matrix", Matrices.toBytes(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0.1, 0, 1));
        assertRejected(r, "not-rigid", "static_pose field 'matrix'", "last row", "[0, 0, 0, 1]");
    }

    @Test
    void rotationMustBeOrthonormal() {
        Map<String, Object> r = TestRecords.pose();
        r.put("matrix", Matrices.toBytes(2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1));
        assertRejected(r, "not-rigid", "pose field 'matrix'", "orthonormal");
    }

    @Test
    void reflectionIsNotRigid() {
        Map<String, Object> r = TestRecords.pose();
        r.put("matrix", Matrices.toBytes(-1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1));
        assertRejected(r, "not-rigid", "pose field 'matrix'", "determinant");
    }

    @Test
    void nearlyOrthonormalIsAccepted() throws Exception {
        double c = Math.cos(0.3);
        double s = Math.sin(0.3);
        float cf = (float) c; // a rotation that passed through float32
        float sf = (float) s;
        Map<String, Object> r = TestRecords.pose();
        r.put("matrix", Matrices.toBytes(cf, -sf, 0, 1, sf, cf, 0, 2, 0, 0, 1, 3, 0, 0, 0, 1));
        assertThat(decode(r)).isInstanceOf(PoseFrame.class);
    }

    @Test
    void sourceAndTargetNames() {
        Map<String, Object> r = TestRecords.pose();
        r.put("target", "rig");
        assertRejected(r, "bad-name", "pose field 'target'", "'source'");
        r.put("target", "../world");
        assertRejected(r, "bad-name", "pose field 'target'", "'../world'");
        r = TestRecords.pose();
        r.remove("t");
        assertRejected(r, "missing-field", "pose", "'t'");
    }

    // ---- Intrinsics ----
    @Test
    void validIntrinsics() throws Exception {
        IntrinsicsFrame f = (IntrinsicsFrame) decode(TestRecords.intrinsics());
        assertThat(f.sensor()).isEqualTo("camera_front-wide");
        assertThat(f.kind()).isEqualTo("camera");
        assertThat(f.model().get("resolution").get(0).intValue()).isEqualTo(1920);
        assertThat(f.model().get("external_distortion").isNull()).isTrue();
    }

    @Test
    void kindIsCameraOrLidar() throws Exception {
        Map<String, Object> r = TestRecords.intrinsics();
        r.put("kind", "lidar");
        assertThat(((IntrinsicsFrame) decode(r)).kind()).isEqualTo("lidar");
        r.put("kind", "radar");
        assertRejected(r, "out-of-range", "intrinsics field 'kind'", "'radar'", "'camera' or 'lidar'");
    }

    @Test
    void modelIsARequiredMap() {
        Map<String, Object> r = TestRecords.intrinsics();
        r.put("model", "pinhole");
        assertRejected(r, "wrong-type", "intrinsics field 'model'", "map");
        r.remove("model");
        assertRejected(r, "missing-field", "intrinsics", "'model'");
    }

    // ---- End ----
    @Test
    void timeIsOptional() throws Exception {
        assertThat(((EndFrame) decode(TestRecords.end())).t()).hasValue(2000L);
        assertThat(((EndFrame) decode(TestRecords.base("end"))).t()).isEmpty();
        Map<String, Object> r = TestRecords.end();
        r.put("t", "soon");
        assertRejected(r, "wrong-type", "end field 't'", "unsigned");
    }

    // ---- TypedArrays ----
    Map<String, Object> cameraWithData(Map<String, Object> data) {
        Map<String, Object> r = TestRecords.camera();
        r.put("data", data);
        return r;
    }

    @Test
    void everyDtypeDecodes() throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        for (String dtype : TypedArray.DTYPES) {
            int size = TypedArray.itemSize(dtype);
            data.put("a_" + dtype, typedArray(dtype, List.of(2L, 3L), new byte[6 * size]));
        }
        data.put("scalar", typedArray("float64", List.of(), new byte[8]));
        data.put("empty", typedArray("int32", List.of(0L, 5L), new byte[0]));
        CameraFrame f = (CameraFrame) decode(cameraWithData(data));
        assertThat(f.data()).hasSize(TypedArray.DTYPES.size() + 2);
        assertThat(f.data().get("a_uint16")).isEqualTo(new TypedArray("uint16", new long[] {2, 3}, new byte[12]));
        assertThat(f.data().get("scalar").shape()).isEmpty();
        assertThat(f.data().firstKey()).isEqualTo("a_bool"); // sorted by name
    }

    @Test
    void unknownDtype() {
        Map<String, Object> r = cameraWithData(Map.of("x", typedArray("complex64", List.of(1L), new byte[8])));
        assertRejected(r, "out-of-range", "data' entry 'x'", "'dtype'", "complex64", "float64");
    }

    @Test
    void lengthMustMatchShapeTimesItemSize() {
        Map<String, Object> r = cameraWithData(Map.of("depth", typedArray("float32", List.of(2L, 3L), new byte[20])));
        assertRejected(r, "bad-length", "entry 'depth'", "'bytes'", "20 bytes", "[2, 3]", "float32 needs 24");
    }

    @Test
    void overflowingShape() {
        Map<String, Object> r = cameraWithData(Map.of("x",
                typedArray("float64", List.of(1L << 40, 1L << 40), new byte[8])));
        assertRejected(r, "bad-length", "entry 'x'", "more than 2^63");
    }

    @Test
    void boolBytesAreZeroOrOne() throws Exception {
        assertThat(decode(cameraWithData(Map.of("mask", typedArray("bool", List.of(3L), new byte[] {0, 1, 0})))))
                .isInstanceOf(CameraFrame.class);
        Map<String, Object> r = cameraWithData(Map.of("mask", typedArray("bool", List.of(3L), new byte[] {0, 2, 1})));
        assertRejected(r, "out-of-range", "entry 'mask'", "element 1 is 2", "0 or 1");
    }

    @Test
    void shapeMustBeUnsignedIntegers() {
        Map<String, Object> r = cameraWithData(Map.of("x", typedArray("uint8", List.of(-1L), new byte[0])));
        assertRejected(r, "wrong-type", "entry 'x'", "'shape[0]'", "unsigned");
        Map<String, Object> a = typedArray("uint8", List.of(1L), new byte[1]);
        a.put("shape", 1);
        assertRejected(cameraWithData(Map.of("x", a)), "wrong-type", "'shape'", "array");
        a.put("shape", List.of(2.0));
        assertRejected(cameraWithData(Map.of("x", a)), "wrong-type", "'shape[0]'", "float");
    }

    @Test
    void tooManyDimensions() {
        List<Long> shape = java.util.Collections.nCopies(33, 1L);
        Map<String, Object> r = cameraWithData(Map.of("x", typedArray("uint8", shape, new byte[1])));
        assertRejected(r, "out-of-range", "'shape'", "33 dimensions", "32");
    }

    @Test
    void typedArrayFieldsAreStrict() {
        Map<String, Object> a = typedArray("uint8", List.of(1L), new byte[1]);
        a.put("order", "C");
        assertRejected(cameraWithData(Map.of("x", a)), "unknown-field", "entry 'x'", "'order'");
        a = typedArray("uint8", List.of(1L), new byte[1]);
        a.remove("shape");
        assertRejected(cameraWithData(Map.of("x", a)), "missing-field", "entry 'x'", "'shape'");
        assertRejected(cameraWithData(Map.of("x", "not-a-map")), "wrong-type", "camera field 'data'", "entry 'x'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../x", ".hidden", "a/b", "sp ace"})
    void dataNames(String name) {
        Map<String, Object> r = cameraWithData(Map.of(name, typedArray("uint8", List.of(1L), new byte[1])));
        assertRejected(r, "bad-name", "camera field 'data'", "names must match");
    }

    @Test
    void lidarDataToo() {
        Map<String, Object> r = TestRecords.lidar();
        r.put("data", Map.of("x", typedArray("int16", List.of(4L), new byte[7])));
        assertRejected(r, "bad-length", "lidar field 'data' entry 'x'");
    }
}
