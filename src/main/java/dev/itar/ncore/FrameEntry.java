package dev.itar.ncore;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The small, serializable description of one encoded sensor frame, kept in the sequence state until sealing.
 * It carries everything needed to render the frame's node metadata ({@code frames/<t1>} and all nodes below)
 * and to check at seal time that all of the frame's chunks arrived.
 *
 * @param component  {@code cameras}, {@code lidars} or {@code radars}
 * @param sensor     the component instance name (sensor id)
 * @param t0         start-of-frame time, microseconds
 * @param t1         end-of-frame time, microseconds; the frame's id
 * @param nodes      nodes of the frame (the frame group itself has path ""), sorted by path
 * @param chunkCount number of chunks the encoder produced for this frame (all-zero chunks are not stored)
 * @param chunkBytes total encoded bytes of those chunks
 */
public record FrameEntry(String component, String sensor, long t0, long t1, List<FrameNode> nodes,
                         int chunkCount, long chunkBytes) {
    /** Component names ncore v4 uses for sensors. */
    public static final Set<String> SENSOR_COMPONENTS = Set.of("cameras", "lidars", "radars");

    public FrameEntry {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(sensor, "sensor");
        if (!SENSOR_COMPONENTS.contains(component)) {
            throw new IllegalArgumentException("unknown sensor component \"" + component
                    + "\"; expected cameras, lidars or radars");
        }
        SensorNames.check(sensor);
        if (t0 < 0 || t1 < t0) {
            throw new IllegalArgumentException("frame " + component + "/" + sensor + ": need 0 <= t0 <= t1, got t0="
                    + t0 + " t1=" + t1);
        }
        nodes = List.copyOf(nodes);
    }

    /** Path of the frame group relative to the archive root: {@code <component>/<sensor>/frames/<t1>}. */
    public String framePath() {
        return component + "/" + sensor + "/frames/" + t1;
    }
}
