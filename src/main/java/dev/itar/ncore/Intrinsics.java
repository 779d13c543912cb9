package dev.itar.ncore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * Intrinsic calibration of one sensor, stored verbatim as the attributes of
 * {@code intrinsics/default/<kind>s/<sensor>}.
 *
 * @param kind  {@code camera} or {@code lidar}
 * @param model ncore's encoded model, e.g. {@code {"camera_model_type": ..., "camera_model_parameters": {...}}}
 */
public record Intrinsics(String sensor, String kind, ObjectNode model) {
    public Intrinsics {
        SensorNames.check(sensor);
        Objects.requireNonNull(model, "model");
        if (!"camera".equals(kind) && !"lidar".equals(kind)) {
            throw new IllegalArgumentException("intrinsics of " + sensor + ": kind must be camera or lidar, got " + kind);
        }
    }

    /** The group under {@code intrinsics/default}: {@code cameras} or {@code lidars}. */
    public String groupName() {
        return kind + "s";
    }
}
