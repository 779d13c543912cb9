package dev.itar.ncore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SortedMap;

/** A radar frame read from an archive; arrays little-endian as in {@link FrameEncoder#radar}. */
public record RadarFrameData(String sensor, long t0, long t1, int n, int r, byte[] direction, byte[] timestampUs,
                             byte[] distanceM, ObjectNode frameMeta, SortedMap<String, GenericArray> data)
        implements SensorFrameData {
    @Override
    public String component() {
        return "radars";
    }

    @Override
    public EncodedFrame encode(FrameEncoder encoder) {
        return encoder.radar(sensor, t0, t1, n, r, direction, timestampUs, distanceM, frameMeta, data);
    }
}
