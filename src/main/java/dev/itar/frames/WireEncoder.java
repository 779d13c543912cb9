package dev.itar.frames;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.SortedMap;

/**
 * Encodes a {@link Frame} as a wire-format v1 record value: deterministic CBOR (definite lengths,
 * shortest integer heads, fields in the order wire-format.md lists them, {@code v} and {@code type}
 * first, {@code data} entries sorted by name, {@code meta}/{@code model} in their node order).
 * Optional fields that are empty ({@code meta} {}, {@code data} {}, absent sequence id, model
 * element, end time) are omitted. The encoder does not validate: an invalid frame is encoded as is,
 * which is what tests of the decoder need; {@link WireDecoder} is the judge.
 */
public final class WireEncoder {
    private WireEncoder() {
    }

    public static byte[] encode(Frame frame) {
        CborWriter w = new CborWriter();
        if (frame instanceof StartFrame f) {
            int n = 2 + (f.sequenceId().isPresent() ? 1 : 0) + (f.meta().isEmpty() ? 0 : 1);
            header(w, n, f);
            f.sequenceId().ifPresent(id -> w.text("sequence_id").text(id));
            meta(w, f.meta());
        } else if (frame instanceof CameraFrame f) {
            header(w, 7 + optionalCount(f.meta(), f.data()), f);
            sensorTimes(w, f.sensor(), f.t0(), f.t1());
            w.text("format").text(f.format());
            w.text("image").bytes(f.image());
            meta(w, f.meta());
            data(w, f.data());
        } else if (frame instanceof LidarFrame f) {
            header(w, 11 + (f.modelElement() != null ? 1 : 0) + optionalCount(f.meta(), f.data()), f);
            sensorTimes(w, f.sensor(), f.t0(), f.t1());
            rays(w, f.n(), f.r(), f.direction(), f.timestampUs(), f.distanceM());
            w.text("intensity").bytes(f.intensity());
            if (f.modelElement() != null) {
                w.text("model_element").bytes(f.modelElement());
            }
            meta(w, f.meta());
            data(w, f.data());
        } else if (frame instanceof RadarFrame f) {
            header(w, 10 + optionalCount(f.meta(), f.data()), f);
            sensorTimes(w, f.sensor(), f.t0(), f.t1());
            rays(w, f.n(), f.r(), f.direction(), f.timestampUs(), f.distanceM());
            meta(w, f.meta());
            data(w, f.data());
        } else if (frame instanceof PoseFrame f) {
            header(w, 6, f);
            w.text("source").text(f.source());
            w.text("target").text(f.target());
            w.text("t").integer(f.t());
            w.text("matrix").bytes(Matrices.toBytes(f.matrix()));
        } else if (frame instanceof StaticPoseFrame f) {
            boolean float32 = f.dtype().equals("float32"); // float64 is the default: a 1.0 record stays byte-identical
            header(w, float32 ? 6 : 5, f);
            w.text("source").text(f.source());
            w.text("target").text(f.target());
            w.text("matrix").bytes(float32 ? Matrices.toFloat32Bytes(f.matrix()) : Matrices.toBytes(f.matrix()));
            if (float32) {
                w.text("dtype").text("float32");
            }
        } else if (frame instanceof ComponentMetaFrame f) {
            header(w, 5, f);
            w.text("component").text(f.component());
            w.text("instance").text(f.instance());
            w.text("meta").json(f.meta());
        } else if (frame instanceof CameraMasksFrame f) {
            boolean named = !f.instance().equals(CameraMasksFrame.DEFAULT_INSTANCE);
            header(w, 4 + (named ? 1 : 0), f);
            if (named) {
                w.text("instance").text(f.instance());
            }
            w.text("camera").text(f.camera());
            w.text("masks").arrayHeader(f.masks().size());
            for (CameraMask m : f.masks()) {
                w.mapHeader(3);
                w.text("name").text(m.name());
                w.text("format").text(m.format());
                w.text("image").bytes(m.image());
            }
        } else if (frame instanceof CuboidObservationFrame f) {
            boolean named = !f.instance().equals(CuboidObservationFrame.DEFAULT_INSTANCE);
            header(w, 11 + (named ? 1 : 0) + (f.sourceVersion().isPresent() ? 1 : 0), f);
            if (named) {
                w.text("instance").text(f.instance());
            }
            w.text("track_id").text(f.trackId());
            w.text("class_id").text(f.classId());
            w.text("timestamp_us").integer(f.timestampUs());
            w.text("reference_frame_id").text(f.referenceFrameId());
            w.text("reference_frame_timestamp_us").integer(f.referenceFrameTimestampUs());
            w.text("centroid").bytes(Matrices.float64Bytes(f.centroid()));
            w.text("dim").bytes(Matrices.float64Bytes(f.dim()));
            w.text("rot").bytes(Matrices.float64Bytes(f.rot()));
            w.text("source").text(f.source());
            f.sourceVersion().ifPresent(v -> w.text("source_version").text(v));
        } else if (frame instanceof IntrinsicsFrame f) {
            header(w, 5, f);
            w.text("sensor").text(f.sensor());
            w.text("kind").text(f.kind());
            w.text("model").json(f.model());
        } else if (frame instanceof EndFrame f) {
            header(w, 2 + (f.t().isPresent() ? 1 : 0), f);
            if (f.t().isPresent()) {
                w.text("t").integer(f.t().getAsLong());
            }
        } else {
            throw new IllegalArgumentException("unknown frame class " + frame.getClass());
        }
        return w.toByteArray();
    }

    private static void header(CborWriter w, int fields, Frame frame) {
        w.mapHeader(fields);
        w.text("v").integer(1);
        w.text("type").text(frame.type());
    }

    private static int optionalCount(ObjectNode meta, SortedMap<String, TypedArray> data) {
        return (meta.isEmpty() ? 0 : 1) + (data.isEmpty() ? 0 : 1);
    }

    private static void sensorTimes(CborWriter w, String sensor, long t0, long t1) {
        w.text("sensor").text(sensor);
        w.text("t0").integer(t0);
        w.text("t1").integer(t1);
    }

    private static void rays(CborWriter w, int n, int r, byte[] direction, byte[] timestampUs, byte[] distanceM) {
        w.text("n").integer(n);
        w.text("r").integer(r);
        w.text("direction").bytes(direction);
        w.text("timestamp_us").bytes(timestampUs);
        w.text("distance_m").bytes(distanceM);
    }

    private static void meta(CborWriter w, ObjectNode meta) {
        if (!meta.isEmpty()) {
            w.text("meta").json(meta);
        }
    }

    private static void data(CborWriter w, SortedMap<String, TypedArray> data) {
        if (data.isEmpty()) {
            return;
        }
        w.text("data").mapHeader(data.size());
        for (Map.Entry<String, TypedArray> entry : data.entrySet()) {
            TypedArray array = entry.getValue();
            w.text(entry.getKey()).mapHeader(3);
            w.text("dtype").text(array.dtype());
            w.text("shape").arrayHeader(array.shape().length);
            for (long dim : array.shape()) {
                w.integer(dim);
            }
            w.text("bytes").bytes(array.bytes());
        }
    }
}
