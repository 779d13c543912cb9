package dev.itar.frames;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.Objects;
import java.util.SortedMap;

/**
 * {@code lidar}: one point cloud of N rays with R returns each. All arrays little-endian, C order.
 *
 * @param n            number of rays N (≥ 1)
 * @param r            returns per ray R (≥ 1)
 * @param direction    float32 N×3, unit-norm
 * @param timestampUs  uint64 N, each in [t0, t1]
 * @param distanceM    float32 R×N, ≥ 0 or NaN (absent return)
 * @param intensity    float32 R×N, in [0, 1], NaN exactly where distance is NaN
 * @param modelElement uint16 N×2, or {@code null} when absent
 */
public record LidarFrame(String sensor, long t0, long t1, int n, int r, byte[] direction, byte[] timestampUs,
                         byte[] distanceM, byte[] intensity, byte[] modelElement, ObjectNode meta,
                         SortedMap<String, TypedArray> data) implements SensorFrame {
    public LidarFrame {
        Objects.requireNonNull(sensor, "sensor");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(timestampUs, "timestampUs");
        Objects.requireNonNull(distanceM, "distanceM");
        Objects.requireNonNull(intensity, "intensity");
        meta = Values.metaOrEmpty(meta);
        data = Values.dataOrEmpty(data);
    }

    @Override
    public String type() {
        return "lidar";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LidarFrame other && sensor.equals(other.sensor) && t0 == other.t0
                && t1 == other.t1 && n == other.n && r == other.r
                && Arrays.equals(direction, other.direction) && Arrays.equals(timestampUs, other.timestampUs)
                && Arrays.equals(distanceM, other.distanceM) && Arrays.equals(intensity, other.intensity)
                && Arrays.equals(modelElement, other.modelElement)
                && meta.equals(other.meta) && data.equals(other.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sensor, t0, t1, n, r, Arrays.hashCode(direction), Arrays.hashCode(timestampUs),
                Arrays.hashCode(distanceM), Arrays.hashCode(intensity), Arrays.hashCode(modelElement), meta, data);
    }

    @Override
    public String toString() {
        return "LidarFrame[sensor=" + sensor + ", t0=" + t0 + ", t1=" + t1 + ", n=" + n + ", r=" + r
                + ", direction=" + Values.summary(direction) + ", timestampUs=" + Values.summary(timestampUs)
                + ", distanceM=" + Values.summary(distanceM) + ", intensity=" + Values.summary(intensity)
                + ", modelElement=" + Values.summary(modelElement) + ", meta=" + meta + ", data=" + data + "]";
    }
}
