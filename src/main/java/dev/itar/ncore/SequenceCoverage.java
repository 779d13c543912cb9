package dev.itar.ncore;

import dev.itar.frames.TypedArray;
import dev.itar.frames.WireDecoder;
import dev.itar.zarr.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * What of an ncore v4 sequence the values {@link SequenceReader} returns do not represent: the nodes and attributes
 * that sealing those values again would not give back. Metadata only (no chunk is read), so it is cheap to ask
 * before sending anything.
 *
 * <p>Each gap is named by the node path it is about (a path also covers everything below it), or by the root
 * attribute for the sequence interval; the reason says what is not carried.
 */
public final class SequenceCoverage {
    /** One thing not carried: {@code id} a node path (or {@code sequence_timestamp_interval_us}), and why. */
    public record Gap(String id, String reason) {
        @Override
        public String toString() {
            return (id.isEmpty() ? "root" : id) + ": " + reason;
        }
    }

    private static final Set<String> COMPONENTS = Set.of("cameras", "lidars", "radars", "poses", "intrinsics", "masks",
            "cuboids");
    private static final Set<String> INSTANCE_ATTRS = Set.of("component_name", "component_instance_name",
            "component_version", "generic_meta_data");
    private static final Set<String> ROOT_ATTRS = Set.of("sequence_id", "sequence_timestamp_interval_us",
            "generic_meta_data", "version", "component_group_name");

    private final SortedMap<String, Node> nodes;
    private final List<Gap> gaps = new ArrayList<>();

    private SequenceCoverage(SortedMap<String, Node> nodes) {
        this.nodes = nodes;
    }

    /** The gaps of the sequence {@code reader} reads, in node path order (empty: everything is carried). */
    public static List<Gap> of(SequenceReader reader) throws SequenceFormatException {
        SequenceCoverage c = new SequenceCoverage(reader.nodes());
        c.check(reader);
        return List.copyOf(c.gaps);
    }

    private void gap(String id, String reason) {
        gaps.add(new Gap(id, reason));
    }

    private void check(SequenceReader reader) throws SequenceFormatException {
        String skipBelow = null;
        for (Node n : nodes.values()) {
            String p = n.path();
            if (skipBelow != null && p.startsWith(skipBelow)) {
                continue; // one gap names a whole subtree
            }
            String[] s = p.isEmpty() ? new String[0] : p.split("/");
            String problem = s.length == 0 ? root(n) : s.length == 1 ? component(n, s[0]) : s.length == 2
                    ? instance(n, s) : below(n, s);
            if (problem != null) {
                gap(p, problem);
                skipBelow = p + "/";
            } else {
                skipBelow = null;
            }
        }
        long earliest = earliestContentTime(reader);
        if (earliest != Long.MAX_VALUE && reader.intervalStart() < earliest) {
            gap("sequence_timestamp_interval_us", "the interval starts at " + reader.intervalStart()
                    + ", before the earliest frame, pose or cuboid time " + earliest + "; the wire format has no start "
                    + "time, so an ingested copy starts at " + earliest);
        }
    }

    private String root(Node n) {
        for (String k : n.attributes().keySet()) {
            if (!ROOT_ATTRS.contains(k)) {
                return "root attribute '" + k + "' is not part of the ncore v4 layout";
            }
        }
        Object id = n.attributes().get("sequence_id");
        if (id instanceof String s && !dev.itar.frames.RecordingIds.isValid(s)) {
            return "sequence id '" + s + "' does not match the wire format's " + dev.itar.frames.RecordingIds.syntax();
        }
        return null;
    }

    private static String component(Node n, String name) {
        if (!COMPONENTS.contains(name)) {
            return "component '" + name + "' is not one this release carries (" + String.join(", ",
                    new java.util.TreeSet<>(COMPONENTS)) + ")";
        }
        return n.isArray() || !n.attributes().isEmpty() ? "a component group is a group without attributes" : null;
    }

    private static String instance(Node n, String[] s) {
        if (n.isArray()) {
            return "an array where ncore has a component instance group";
        }
        if (!WireDecoder.SENSOR.matcher(s[1]).matches()) {
            return "instance name '" + s[1] + "' does not match the wire format's " + WireDecoder.SENSOR.pattern();
        }
        if ((s[0].equals("poses") || s[0].equals("intrinsics")) && !s[1].equals(SequenceLayout.DEFAULT_INSTANCE)) {
            return "a " + s[0] + " instance other than 'default' (this project's archives have one)";
        }
        Map<String, Object> a = n.attributes();
        for (String k : a.keySet()) {
            if (!INSTANCE_ATTRS.contains(k)) {
                return "instance attribute '" + k + "' is not part of the ncore v4 layout";
            }
        }
        if (!s[0].equals(a.get("component_name")) || !s[1].equals(a.get("component_instance_name"))
                || !SequenceLayout.COMPONENT_VERSION.equals(a.get("component_version"))) {
            return "component attributes " + a + " are not those of " + s[0] + " instance " + s[1] + " version "
                    + SequenceLayout.COMPONENT_VERSION;
        }
        return null;
    }

    private String below(Node n, String[] s) {
        String rest = String.join("/", java.util.Arrays.copyOfRange(s, 2, s.length));
        return switch (s[0]) {
            case "cameras", "lidars", "radars" -> sensor(n, s[0], rest);
            case "poses" -> rest.equals("static_poses") || rest.equals("dynamic_poses") ? poses(n, rest)
                    : unknown(n);
            case "intrinsics" -> intrinsics(n, rest);
            case "masks" -> masks(n, s, rest);
            case "cuboids" -> rest.equals("cuboids") && !n.isArray()
                    && n.attributes().keySet().equals(Set.of("cuboid_track_observations")) ? null : unknown(n);
            default -> unknown(n);
        };
    }

    private static String unknown(Node n) {
        return (n.isArray() ? "array" : "group") + " not part of the ncore v4 layout this release carries"
                + (n.attributes().isEmpty() ? "" : " (attributes " + n.attributes().keySet() + ")");
    }

    private static String sensor(Node n, String component, String rest) {
        String[] r = rest.split("/");
        if (!r[0].equals("frames")) {
            return unknown(n);
        }
        if (r.length == 1) {
            return !n.isArray() && n.attributes().keySet().equals(Set.of("frames_timestamps_us")) ? null : unknown(n);
        }
        String inFrame = String.join("/", java.util.Arrays.copyOfRange(r, 2, r.length));
        if (inFrame.isEmpty()) {
            return n.isArray() || !n.attributes().isEmpty() ? unknown(n) : null;
        }
        if (inFrame.equals("generic_data")) {
            return n.isArray() ? unknown(n) : null; // its attributes are the frame's meta data
        }
        if (inFrame.startsWith("generic_data/")) {
            String name = inFrame.substring("generic_data/".length());
            if (!n.isArray() || !n.attributes().isEmpty()) {
                return unknown(n);
            }
            if (!WireDecoder.DATA_NAME.matcher(name).matches() || name.equals("zarr.json")) {
                return "generic data name '" + name + "' does not match the wire format's "
                        + WireDecoder.DATA_NAME.pattern();
            }
            String dtype = n.array().dataType().isBytes() ? "bytes" : n.array().dataType().v3Name();
            return TypedArray.isDtype(dtype) ? null : "generic data of dtype " + n.array().dataType().summaryName()
                    + "; the wire format carries " + TypedArray.DTYPES;
        }
        Set<String> attrs = n.attributes().keySet();
        boolean ok = switch (component) {
            case "cameras" -> inFrame.equals("image") && n.isArray() && n.array().dataType().isBytes()
                    && attrs.equals(Set.of("format"));
            default -> switch (inFrame) {
                case "ray_bundle" -> !n.isArray() && attrs.equals(Set.of("n_rays"));
                case "ray_bundle_returns" -> !n.isArray() && attrs.equals(Set.of("n_returns"));
                case "ray_bundle/direction", "ray_bundle/timestamp_us", "ray_bundle_returns/distance_m" ->
                        n.isArray() && attrs.isEmpty();
                case "ray_bundle/model_element", "ray_bundle_returns/intensity" ->
                        component.equals("lidars") && n.isArray() && attrs.isEmpty();
                case "ray_bundle_returns_valid_mask_packed" -> n.isArray()
                        && attrs.equals(Set.of("n_returns", "n_rays"));
                default -> false;
            };
        };
        return ok ? null : unknown(n);
    }

    private static String poses(Node n, String which) {
        if (n.isArray()) {
            return unknown(n);
        }
        for (Map.Entry<String, Object> e : n.attributes().entrySet()) {
            String[] pair;
            try {
                pair = PyRepr.parsePair(e.getKey());
            } catch (RuntimeException x) {
                return "pose key " + e.getKey() + " is not a (source, target) pair";
            }
            for (String name : pair) {
                if (!WireDecoder.SENSOR.matcher(name).matches()) {
                    return "pose frame name '" + name + "' of " + e.getKey() + " does not match the wire format's "
                            + WireDecoder.SENSOR.pattern();
                }
            }
            if (which.equals("dynamic_poses") && e.getValue() instanceof Map<?, ?> v
                    && !"float64".equals(v.get("dtype"))) {
                return "dynamic poses " + e.getKey() + " have dtype " + v.get("dtype") + "; the wire format carries "
                        + "float64 pose samples";
            }
        }
        return null;
    }

    private static String intrinsics(Node n, String rest) {
        String[] r = rest.split("/");
        if (n.isArray() || !(r[0].equals("cameras") || r[0].equals("lidars")) || r.length > 2) {
            return unknown(n);
        }
        if (r.length == 1) {
            return n.attributes().isEmpty() ? null : unknown(n);
        }
        return WireDecoder.SENSOR.matcher(r[1]).matches() ? null : "sensor id '" + r[1]
                + "' does not match the wire format's " + WireDecoder.SENSOR.pattern();
    }

    private String masks(Node n, String[] s, String rest) {
        String[] r = rest.split("/");
        if (!r[0].equals("cameras") || r.length > 3) {
            return unknown(n);
        }
        if (r.length == 1) {
            return !n.isArray() && n.attributes().isEmpty() ? null : unknown(n);
        }
        if (r.length == 2) {
            return !n.isArray() && n.attributes().keySet().equals(Set.of("mask_names")) ? null : unknown(n);
        }
        Node camera = nodes.get(s[0] + "/" + s[1] + "/cameras/" + r[1]);
        Object names = camera == null ? null : camera.attributes().get("mask_names");
        if (!(names instanceof List<?> l) || !l.contains(r[2])) {
            return "mask array not listed in its camera's mask_names";
        }
        return n.isArray() && n.array().dataType().isBytes() && n.attributes().keySet().equals(Set.of("format"))
                ? null : unknown(n);
    }

    private static long earliestContentTime(SequenceReader reader) throws SequenceFormatException {
        long earliest = Long.MAX_VALUE;
        try {
            for (String sensor : reader.sensors()) {
                for (long[] t : reader.frameTimestamps(sensor)) {
                    earliest = Math.min(earliest, t[0]);
                }
            }
            for (var p : reader.poses()) {
                earliest = Math.min(earliest, p.t());
            }
        } catch (SequenceFormatException e) {
            throw e;
        } catch (java.io.IOException e) { // poses() reads attributes only; declared for the frames it does not read
            throw new SequenceFormatException(e.getMessage());
        }
        for (var c : reader.cuboidObservations()) {
            earliest = Math.min(earliest, Math.min(c.timestampUs(), c.referenceFrameTimestampUs()));
        }
        return earliest;
    }
}
