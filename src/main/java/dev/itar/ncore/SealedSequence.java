package dev.itar.ncore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What {@link SequenceSealer} wrote: the finished archive's size, the sequence interval, frame counts, and the
 * component instances (for the sequence meta sidecar).
 *
 * @param intervalStart   sequence interval start (inclusive), microseconds
 * @param intervalStop    sequence interval stop (exclusive), microseconds
 * @param framesPerSensor frame count per {@code <component>/<sensor>}
 * @param components      component → instance → its generic meta data
 */
public record SealedSequence(SequenceHeader header, long bytes, long intervalStart, long intervalStop,
                             SortedMap<String, Long> framesPerSensor,
                             SortedMap<String, SortedMap<String, ObjectNode>> components) {
    public SealedSequence {
        framesPerSensor = Collections.unmodifiableSortedMap(new TreeMap<>(framesPerSensor));
        components = Collections.unmodifiableSortedMap(new TreeMap<>(components));
    }

    /** ncore's sequence meta JSON for this sequence stored in {@code archiveFileName} with digest {@code md5}. */
    public byte[] sequenceMetaJson(String archiveFileName, String md5) {
        return SequenceMetaJson.render(header.sequenceId(), intervalStart, intervalStop, header.genericMetaData(),
                archiveFileName, md5, components);
    }
}
