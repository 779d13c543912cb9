package dev.itar.ncore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SortedMap;

/** A camera frame read from an archive: the encoded image as stored (all {@code S<len>} bytes). */
public record CameraFrameData(String sensor, long t0, long t1, String format, byte[] image, ObjectNode frameMeta,
                              SortedMap<String, GenericArray> data) implements SensorFrameData {
    @Override
    public String component() {
        return "cameras";
    }

    @Override
    public EncodedFrame encode(FrameEncoder encoder) {
        return encoder.camera(sensor, t0, t1, format, image, frameMeta, data);
    }
}
