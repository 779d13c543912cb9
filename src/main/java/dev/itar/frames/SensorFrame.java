package dev.itar.frames;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.SortedMap;

/** A frame of one sensor covering the time interval [t0, t1] in microseconds. */
public sealed interface SensorFrame extends Frame permits CameraFrame, LidarFrame, RadarFrame {

    /** Sensor id, {@code [A-Za-z0-9_-]{1,64}}. */
    String sensor();

    /** Start-of-frame time in microseconds. */
    long t0();

    /** End-of-frame time in microseconds; frames of a sensor are ordered and deduplicated by it. */
    long t1();

    /** Per-frame generic meta data (never null; empty when absent on the wire). */
    ObjectNode meta();

    /** Per-frame generic data, name → typed array (never null; empty when absent). */
    SortedMap<String, TypedArray> data();

    /** The ncore component kind: "camera", "lidar" or "radar" (same as {@link #type()}). */
    default String kind() {
        return type();
    }
}
