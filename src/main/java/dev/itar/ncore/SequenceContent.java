package dev.itar.ncore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.StaticPoseFrame;
import java.util.Iterator;
import java.util.List;
import java.util.SortedMap;

/**
 * What a sequence archive holds besides its chunks: everything {@link SequenceSealer} renders node metadata from.
 * The iterators are read once.
 */
public interface SequenceContent {
    /** Sequence id, generic meta data, optional end time. */
    SequenceHeader header();

    /** Every frame's entry, each frame once, in any order. */
    Iterator<FrameEntry> frames();

    /** Dynamic pose samples, in any order. */
    Iterator<PoseFrame> poses();

    List<StaticPoseFrame> staticPoses();

    List<IntrinsicsFrame> intrinsics();

    /** Sensor-level {@code generic_meta_data}, keyed {@code <component>/<instance>}; absent instances get {@code {}}. */
    SortedMap<String, ObjectNode> componentMeta();
}
