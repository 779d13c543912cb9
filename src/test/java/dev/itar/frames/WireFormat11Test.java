package dev.itar.frames;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.itar.frames.TestRecords.decode;
import static dev.itar.frames.TestRecords.f64;
import static dev.itar.frames.TestRecords.floats;
import static dev.itar.frames.WireDecoderTest.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

/** The rules wire format 1.1 adds: component meta, camera masks, cuboid observations, static pose dtype. */
class WireFormat11Test {

    // ---- static_pose dtype ----
    @Test
    void staticPoseWithoutDtypeIsFloat64AsIn10() throws Exception {
        StaticPoseFrame p = (StaticPoseFrame) decode(TestRecords.staticPose());
        assertThat(p.dtype()).isEqualTo("float64");
        Map<String, Object> r = TestRecords.staticPose();
        r.put("dtype", "float64");
        assertThat(decode(r)).isEqualTo(p);
    }

    @Test
    void float32StaticPoseCarriesSixtyFourBytes() throws Exception {
        Map<String, Object> r = TestRecords.staticPose();
        r.put("dtype", "float32");
        r.put("matrix", floats(0, -1, 0, 0.1f, 1, 0, 0, 0, 0, 0, 1, 1.8f, 0, 0, 0, 1));
        StaticPoseFrame p = (StaticPoseFrame) decode(r);
        assertThat(p.dtype()).isEqualTo("float32");
        assertThat(p.matrix()[3]).isEqualTo((double) 0.1f);
        assertThat(p.matrix()[11]).isEqualTo((double) 1.8f);
    }

    @Test
    void staticPoseDtypeMustBeFloat32OrFloat64() {
        Map<String, Object> r = TestRecords.staticPose();
        r.put("dtype", "float16");
        assertRejected(r, "out-of-range", "static_pose field 'dtype'", "'float16'", "[float64, float32]");
        r.put("dtype", 32);
        assertRejected(r, "wrong-type", "static_pose field 'dtype'", "must be text");
    }

    @Test
    void staticPoseMatrixLengthFollowsItsDtype() {
        Map<String, Object> r = TestRecords.staticPose(); // 128 bytes of float64
        r.put("dtype", "float32");
        assertRejected(r, "bad-length", "static_pose field 'matrix'", "128 bytes", "float32", "needs 64");
        Map<String, Object> f64 = TestRecords.staticPose();
        f64.put("matrix", floats(new float[16]));
        assertRejected(f64, "bad-length", "static_pose field 'matrix'", "64 bytes", "float64", "needs 128");
    }

    @Test
    void float32StaticPoseMustBeRigid() {
        Map<String, Object> r = TestRecords.staticPose();
        r.put("dtype", "float32");
        r.put("matrix", floats(2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1));
        assertRejected(r, "not-rigid", "static_pose field 'matrix'", "orthonormal");
    }

    // ---- component_meta ----
    @Test
    void validComponentMeta() throws Exception {
        ComponentMetaFrame m = (ComponentMetaFrame) decode(TestRecords.componentMeta());
        assertThat(m.component()).isEqualTo("cameras");
        assertThat(m.instance()).isEqualTo("camera_front-wide");
        assertThat(m.key()).isEqualTo("cameras/camera_front-wide");
        assertThat(m.meta().get("mount").textValue()).isEqualTo("windshield");
        assertThat(m.meta().get("fov_deg").doubleValue()).isEqualTo(120.5);
        for (String component : ComponentMetaFrame.COMPONENTS) {
            Map<String, Object> r = TestRecords.componentMeta();
            r.put("component", component);
            r.put("instance", "default");
            assertThat(((ComponentMetaFrame) decode(r)).component()).isEqualTo(component);
        }
    }

    @Test
    void componentMustBeAnNcoreComponent() {
        Map<String, Object> r = TestRecords.componentMeta();
        r.put("component", "camera");
        assertRejected(r, "out-of-range", "component_meta field 'component'", "'camera'", "cameras", "cuboids");
        r.put("component", List.of("cameras"));
        assertRejected(r, "wrong-type", "component_meta field 'component'", "must be text");
    }

    @Test
    void componentInstanceIsAName() {
        Map<String, Object> r = TestRecords.componentMeta();
        r.put("instance", "cam/0");
        assertRejected(r, "bad-name", "component_meta field 'instance'", "'cam/0'", "[A-Za-z0-9_-]{1,64}");
        r.remove("instance");
        assertRejected(r, "missing-field", "'instance'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"poses", "intrinsics"})
    void posesAndIntrinsicsHaveOnlyTheDefaultInstance(String component) {
        Map<String, Object> r = TestRecords.componentMeta();
        r.put("component", component);
        r.put("instance", "calib2");
        assertRejected(r, "out-of-range", "component_meta field 'instance'", "'calib2'", "'default'");
    }

    @Test
    void componentMetaNeedsAJsonLikeMap() {
        Map<String, Object> r = TestRecords.componentMeta();
        r.remove("meta");
        assertRejected(r, "missing-field", "component_meta", "'meta'", "generic_meta_data");
        r.put("meta", "x");
        assertRejected(r, "wrong-type", "component_meta field 'meta'", "must be a map");
        r.put("meta", Map.of("blob", new byte[] {1}));
        assertRejected(r, "wrong-type", "component_meta field 'meta'", ".blob", "byte string");
        r.put("meta", Map.of("gain", Double.NaN));
        assertRejected(r, "wrong-type", "component_meta field 'meta'", ".gain", "NaN");
    }

    @Test
    void componentMetaRejectsUnknownFields() {
        Map<String, Object> r = TestRecords.componentMeta();
        r.put("sensor", "cam0");
        assertRejected(r, "unknown-field", "component_meta", "'sensor'", "instance");
    }

    // ---- camera_masks ----
    @Test
    void validCameraMasks() throws Exception {
        CameraMasksFrame m = (CameraMasksFrame) decode(TestRecords.cameraMasks());
        assertThat(m.instance()).isEqualTo("default");
        assertThat(m.camera()).isEqualTo("camera_front-wide");
        assertThat(m.masks()).extracting(CameraMask::name).containsExactly("ego", "hood.v2");
        assertThat(m.masks().get(0).format()).isEqualTo("png");
        assertThat(m.masks().get(0).image()).containsExactly(0x89, 'P', 'N', 'G', 1, 2);
        Map<String, Object> named = TestRecords.cameraMasks();
        named.put("instance", "static-masks");
        assertThat(((CameraMasksFrame) decode(named)).instance()).isEqualTo("static-masks");
        Map<String, Object> none = TestRecords.cameraMasks();
        none.put("masks", List.of());
        assertThat(((CameraMasksFrame) decode(none)).masks()).isEmpty();
    }

    @Test
    void masksKeepTheirOrder() throws Exception {
        Map<String, Object> r = TestRecords.cameraMasks();
        r.put("masks", List.of(TestRecords.mask("zz"), TestRecords.mask("aa"), TestRecords.mask("mm")));
        assertThat(((CameraMasksFrame) decode(r)).masks()).extracting(CameraMask::name)
                .containsExactly("zz", "aa", "mm");
    }

    @Test
    void masksMustBeAnArrayOfMaps() {
        Map<String, Object> r = TestRecords.cameraMasks();
        r.put("masks", Map.of("ego", TestRecords.mask("ego")));
        assertRejected(r, "wrong-type", "camera_masks field 'masks'", "must be an array", "a map");
        r.put("masks", List.of("ego"));
        assertRejected(r, "wrong-type", "camera_masks field 'masks'", "entry 0", "text 'ego'");
        r.remove("masks");
        assertRejected(r, "missing-field", "camera_masks", "'masks'");
    }

    @Test
    void maskNamesAreUniqueNodeNames() {
        Map<String, Object> r = TestRecords.cameraMasks();
        r.put("masks", List.of(TestRecords.mask("ego"), TestRecords.mask("ego")));
        assertRejected(r, "bad-name", "'masks' entry 1", "'name'", "'ego'", "unique");
        r.put("masks", List.of(TestRecords.mask("zarr.json")));
        assertRejected(r, "bad-name", "'masks' entry 0", "'zarr.json'", "choose another");
        r.put("masks", List.of(TestRecords.mask("ego/hood")));
        assertRejected(r, "bad-name", "'masks' entry 0", "'ego/hood'", "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
        r.put("masks", List.of(TestRecords.mask(".hidden")));
        assertRejected(r, "bad-name", "'masks' entry 0", "'.hidden'");
    }

    @Test
    void maskFormatAndImageAreChecked() {
        Map<String, Object> bad = TestRecords.mask("ego");
        bad.put("format", "PNG");
        Map<String, Object> r = TestRecords.cameraMasks();
        r.put("masks", List.of(bad));
        assertRejected(r, "bad-name", "'masks' entry 0", "'format'", "'PNG'", "[a-z0-9]{1,32}");
        Map<String, Object> empty = TestRecords.mask("ego");
        empty.put("image", new byte[0]);
        r.put("masks", List.of(empty));
        assertRejected(r, "bad-length", "'masks' entry 0", "'image'", "empty");
        Map<String, Object> text = TestRecords.mask("ego");
        text.put("image", "png");
        r.put("masks", List.of(text));
        assertRejected(r, "wrong-type", "'masks' entry 0", "'image'", "byte string");
        Map<String, Object> missing = TestRecords.mask("ego");
        missing.remove("format");
        r.put("masks", List.of(missing));
        assertRejected(r, "missing-field", "'masks' entry 0", "'format'");
        Map<String, Object> extra = TestRecords.mask("ego");
        extra.put("width", 1920);
        r.put("masks", List.of(extra));
        assertRejected(r, "unknown-field", "'masks' entry 0", "'width'");
    }

    @Test
    void maskCameraAndInstanceAreNames() {
        Map<String, Object> r = TestRecords.cameraMasks();
        r.put("camera", "");
        assertRejected(r, "bad-name", "camera_masks field 'camera'");
        r = TestRecords.cameraMasks();
        r.put("instance", "a b");
        assertRejected(r, "bad-name", "camera_masks field 'instance'", "'a b'");
        r = TestRecords.cameraMasks();
        r.put("sensor", "x");
        assertRejected(r, "unknown-field", "camera_masks", "'sensor'", "camera");
    }

    // ---- cuboid_observation ----
    @Test
    void validCuboidObservation() throws Exception {
        CuboidObservationFrame c = (CuboidObservationFrame) decode(TestRecords.cuboid());
        assertThat(c).isEqualTo(new CuboidObservationFrame("autolabels", "track-17", "automobile", 1005,
                "lidar_top", 1010, new double[] {12.5, -3.25, 0.75}, new double[] {4.5, 1.9, 1.6},
                new double[] {0, 0, 1.25}, "AUTOLABEL", Optional.of("v3.1")));
        Map<String, Object> minimal = TestRecords.cuboid();
        minimal.remove("instance");
        minimal.remove("source_version");
        CuboidObservationFrame m = (CuboidObservationFrame) decode(minimal);
        assertThat(m.instance()).isEqualTo("default");
        assertThat(m.sourceVersion()).isEmpty();
        for (String source : CuboidObservationFrame.SOURCES) {
            minimal.put("source", source);
            assertThat(((CuboidObservationFrame) decode(minimal)).source()).isEqualTo(source);
        }
    }

    @Test
    void cuboidLabelsAreNonEmptyAndBounded() {
        for (String field : List.of("track_id", "class_id", "source_version")) {
            Map<String, Object> r = TestRecords.cuboid();
            r.put(field, "");
            assertRejected(r, "out-of-range", "cuboid_observation field '" + field + "'", "0 characters", "1 to 256");
            r.put(field, "x".repeat(257));
            assertRejected(r, "out-of-range", "'" + field + "'", "257 characters");
            r.put(field, 17);
            assertRejected(r, "wrong-type", "'" + field + "'", "must be text");
        }
        Map<String, Object> unicode = TestRecords.cuboid();
        unicode.put("class_id", "Fußgänger");
        assertThat(((CuboidObservationFrame) TestRecords.decodeUnchecked(unicode)).classId()).isEqualTo("Fußgänger");
    }

    @Test
    void cuboidTimesAreUnsignedIntegers() {
        for (String field : List.of("timestamp_us", "reference_frame_timestamp_us")) {
            Map<String, Object> r = TestRecords.cuboid();
            r.put(field, -1L);
            assertRejected(r, "wrong-type", "'" + field + "'", "unsigned integer");
            r.put(field, 5.0);
            assertRejected(r, "wrong-type", "'" + field + "'", "float");
            r.remove(field);
            assertRejected(r, "missing-field", "'" + field + "'");
        }
    }

    @Test
    void cuboidReferenceFrameIsAFrameName() {
        Map<String, Object> r = TestRecords.cuboid();
        r.put("reference_frame_id", "lidar top");
        assertRejected(r, "bad-name", "'reference_frame_id'", "'lidar top'", "frame name");
    }

    @Test
    void cuboidBoxIsThreeFiniteFloat64Each() {
        for (String field : List.of("centroid", "dim", "rot")) {
            Map<String, Object> r = TestRecords.cuboid();
            r.put(field, f64(1, 2));
            assertRejected(r, "bad-length", "'" + field + "'", "16 bytes", "need 24");
            r.put(field, f64(1, Double.NaN, 2));
            assertRejected(r, "out-of-range", "'" + field + "'", "value 1 is NaN");
            r.put(field, f64(Double.POSITIVE_INFINITY, 1, 2));
            assertRejected(r, "out-of-range", "'" + field + "'", "value 0 is Infinity");
            r.put(field, List.of(1.0, 2.0, 3.0));
            assertRejected(r, "wrong-type", "'" + field + "'", "byte string", "float64 ×3");
        }
        Map<String, Object> r = TestRecords.cuboid();
        r.put("dim", f64(4, -0.5, 1));
        assertRejected(r, "out-of-range", "'dim'", "value 1 is -0.5", "extents must be finite and >= 0");
        r.put("rot", f64(-3, 0, 0));
        r.put("dim", f64(4, 0, 1));
        assertThat(TestRecords.decodeUnchecked(r)).isInstanceOf(CuboidObservationFrame.class);
    }

    @Test
    void cuboidSourceIsAnNcoreLabelSource() {
        Map<String, Object> r = TestRecords.cuboid();
        r.put("source", "autolabel");
        assertRejected(r, "out-of-range", "'source'", "'autolabel'", "AUTOLABEL", "GT_ANNOTATION");
        r.remove("source");
        assertRejected(r, "missing-field", "'source'");
    }

    @Test
    void cuboidRejectsUnknownFields() {
        Map<String, Object> r = TestRecords.cuboid();
        r.put("bbox3", new ArrayList<>());
        assertRejected(r, "unknown-field", "cuboid_observation", "'bbox3'", "centroid");
    }
}
