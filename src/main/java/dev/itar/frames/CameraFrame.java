package dev.itar.frames;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.Objects;
import java.util.SortedMap;

/**
 * {@code camera}: one encoded image of a camera sensor.
 *
 * @param format encoded image format, {@code [a-z0-9]{1,32}} (e.g. jpeg, png)
 * @param image  the encoded image bytes, stored as is
 */
public record CameraFrame(String sensor, long t0, long t1, String format, byte[] image,
                          ObjectNode meta, SortedMap<String, TypedArray> data) implements SensorFrame {
    public CameraFrame {
        Objects.requireNonNull(sensor, "sensor");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(image, "image");
        meta = Values.metaOrEmpty(meta);
        data = Values.dataOrEmpty(data);
    }

    @Override
    public String type() {
        return "camera";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CameraFrame other && sensor.equals(other.sensor) && t0 == other.t0
                && t1 == other.t1 && format.equals(other.format) && Arrays.equals(image, other.image)
                && meta.equals(other.meta) && data.equals(other.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sensor, t0, t1, format, Arrays.hashCode(image), meta, data);
    }

    @Override
    public String toString() {
        return "CameraFrame[sensor=" + sensor + ", t0=" + t0 + ", t1=" + t1 + ", format=" + format
                + ", image=" + Values.summary(image) + ", meta=" + meta + ", data=" + data + "]";
    }
}
