package dev.itar.ncore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SortedMap;

/**
 * A lidar frame read from an archive; arrays little-endian as in {@link FrameEncoder#lidar}
 * ({@code modelElement} null when the frame has none).
 */
public record LidarFrameData(String sensor, long t0, long t1, int n, int r, byte[] direction, byte[] timestampUs,
                             byte[] distanceM, byte[] intensity, byte[] modelElement, ObjectNode frameMeta,
                             SortedMap<String, GenericArray> data) implements SensorFrameData {
    @Override
    public String component() {
        return "lidars";
    }

    @Override
    public EncodedFrame encode(FrameEncoder encoder) {
        return encoder.lidar(sensor, t0, t1, n, r, direction, timestampUs, distanceM, intensity, modelElement,
                frameMeta, data);
    }
}
