package dev.itar.ncore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.frames.CameraMask;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.frames.StaticPoseFrame;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Attributes of the ncore v4 nodes above and beside the frames (ncore PR #68 {@code components.py}; key order as
 * ncore inserts them). Frame nodes are described by {@link FrameEntry}.
 */
final class SequenceLayout {
    static final String VERSION = "v4";
    static final String COMPONENT_VERSION = "v1";
    static final String DEFAULT_INSTANCE = "default";

    private SequenceLayout() {}

    /** Root group attributes (components.py get_base_group). */
    static Map<String, Object> rootAttributes(String sequenceId, long start, long stop, ObjectNode genericMetaData) {
        Map<String, Object> interval = new LinkedHashMap<>();
        interval.put("start", start);
        interval.put("stop", stop);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sequence_id", sequenceId);
        m.put("sequence_timestamp_interval_us", interval);
        m.put("generic_meta_data", JsonValues.toPlainMap(genericMetaData));
        m.put("version", VERSION);
        m.put("component_group_name", "");
        return m;
    }

    /** Component instance group attributes (components.py register_component_writer). */
    static Map<String, Object> componentAttributes(String component, String instance, ObjectNode genericMetaData) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("component_name", component);
        m.put("component_instance_name", instance);
        m.put("component_version", COMPONENT_VERSION);
        m.put("generic_meta_data", JsonValues.toPlainMap(genericMetaData));
        return m;
    }

    /** {@code frames} group attributes: [[t0, t1], ...], given sorted by t1. */
    static Map<String, Object> framesAttributes(long[][] t0t1ByT1) {
        List<Object> pairs = new ArrayList<>(t0t1ByT1.length);
        for (long[] p : t0t1ByT1) {
            pairs.add(p);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("frames_timestamps_us", pairs);
        return m;
    }

    /** A 4x4 nested list of a row-major matrix. */
    static List<Object> matrix(double[] m) {
        List<Object> rows = new ArrayList<>(4);
        for (int r = 0; r < 4; r++) {
            rows.add(List.of(m[r * 4], m[r * 4 + 1], m[r * 4 + 2], m[r * 4 + 3]));
        }
        return rows;
    }

    /** static_poses value: {"pose": [[...]], "dtype": ...}. */
    static Map<String, Object> staticPose(StaticPoseFrame p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pose", matrix(p.matrix()));
        m.put("dtype", p.dtype());
        return m;
    }

    /** dynamic_poses value: {"poses": [...], "timestamps_us": [...], "dtype": "float64"}. */
    static Map<String, Object> dynamicPoses(SortedMap<Long, double[]> samples) {
        List<Object> poses = new ArrayList<>(samples.size());
        List<Object> ts = new ArrayList<>(samples.size());
        for (Map.Entry<Long, double[]> e : samples.entrySet()) {
            poses.add(matrix(e.getValue()));
            ts.add(e.getKey());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("poses", poses);
        m.put("timestamps_us", ts);
        m.put("dtype", "float64");
        return m;
    }

    /** {@code masks/<instance>/cameras/<camera>} attributes (components.py MasksComponent.store_camera_masks). */
    static Map<String, Object> cameraMasksAttributes(List<CameraMask> masks) {
        List<Object> names = new ArrayList<>(masks.size());
        for (CameraMask m : masks) {
            names.add(m.name());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mask_names", names);
        return m;
    }

    /** {@code cuboids/<instance>/cuboids} attributes: the observations, each from {@link #cuboidObservation}. */
    static Map<String, Object> cuboidsAttributes(List<Object> observations) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cuboid_track_observations", observations);
        return m;
    }

    /** A mask array's attributes: its image format. */
    static Map<String, Object> maskAttributes(CameraMask mask) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", mask.format());
        return m;
    }

    /**
     * One element of {@code cuboids/<instance>/cuboids}' {@code cuboid_track_observations}: ncore's
     * {@code CuboidTrackObservation.to_dict()} (fields in dataclass order, the label source by name).
     */
    static Map<String, Object> cuboidObservation(CuboidObservationFrame o) {
        Map<String, Object> bbox = new LinkedHashMap<>();
        bbox.put("centroid", vector(o.centroid()));
        bbox.put("dim", vector(o.dim()));
        bbox.put("rot", vector(o.rot()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("track_id", o.trackId());
        m.put("class_id", o.classId());
        m.put("timestamp_us", o.timestampUs());
        m.put("reference_frame_id", o.referenceFrameId());
        m.put("reference_frame_timestamp_us", o.referenceFrameTimestampUs());
        m.put("bbox3", bbox);
        m.put("source", o.source());
        m.put("source_version", o.sourceVersion().orElse(null));
        return m;
    }

    private static List<Object> vector(double[] v) {
        return List.of(v[0], v[1], v[2]);
    }
}
