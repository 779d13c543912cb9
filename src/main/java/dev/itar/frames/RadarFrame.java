package dev.itar.frames;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.Objects;
import java.util.SortedMap;

/**
 * {@code radar}: like {@link LidarFrame} without intensity and model element.
 *
 * @param direction   float32 N×3, unit-norm
 * @param timestampUs uint64 N, each in [t0, t1]
 * @param distanceM   float32 R×N, ≥ 0 or NaN (absent return)
 */
public record RadarFrame(String sensor, long t0, long t1, int n, int r, byte[] direction, byte[] timestampUs,
                         byte[] distanceM, ObjectNode meta, SortedMap<String, TypedArray> data)
        implements SensorFrame {
    public RadarFrame {
        Objects.requireNonNull(sensor, "sensor");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(timestampUs, "timestampUs");
        Objects.requireNonNull(distanceM, "distanceM");
        meta = Values.metaOrEmpty(meta);
        data = Values.dataOrEmpty(data);
    }

    @Override
    public String type() {
        return "radar";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RadarFrame other && sensor.equals(other.sensor) && t0 == other.t0
                && t1 == other.t1 && n == other.n && r == other.r
                && Arrays.equals(direction, other.direction) && Arrays.equals(timestampUs, other.timestampUs)
                && Arrays.equals(distanceM, other.distanceM)
                && meta.equals(other.meta) && data.equals(other.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sensor, t0, t1, n, r, Arrays.hashCode(direction), Arrays.hashCode(timestampUs),
                Arrays.hashCode(distanceM), meta, data);
    }

    @Override
    public String toString() {
        return "RadarFrame[sensor=" + sensor + ", t0=" + t0 + ", t1=" + t1 + ", n=" + n + ", r=" + r
                + ", direction=" + Values.summary(direction) + ", timestampUs=" + Values.summary(timestampUs)
                + ", distanceM=" + Values.summary(distanceM) + ", meta=" + meta + ", data=" + data + "]";
    }
}
