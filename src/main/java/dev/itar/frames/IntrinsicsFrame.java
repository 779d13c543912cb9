package dev.itar.frames;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * {@code intrinsics}: the model parameters of a sensor, stored as its attributes.
 *
 * @param kind "camera" or "lidar"
 */
public record IntrinsicsFrame(String sensor, String kind, ObjectNode model) implements Frame {
    public IntrinsicsFrame {
        Objects.requireNonNull(sensor, "sensor");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(model, "model");
    }

    @Override
    public String type() {
        return "intrinsics";
    }
}
