package dev.itar.ncore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SortedMap;

/** One sensor frame read back from an archive, with all its arrays (see {@link SequenceReader}). */
public sealed interface SensorFrameData permits CameraFrameData, LidarFrameData, RadarFrameData {
    /** {@code cameras}, {@code lidars} or {@code radars}. */
    String component();

    String sensor();

    long t0();

    long t1();

    /** Per-frame generic meta data (attributes of {@code generic_data}). */
    ObjectNode frameMeta();

    /** Per-frame generic data arrays by name. */
    SortedMap<String, GenericArray> data();

    /** Encodes this frame again, exactly as ingest would have encoded it. */
    EncodedFrame encode(FrameEncoder encoder);
}
