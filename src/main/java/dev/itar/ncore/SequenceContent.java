package dev.itar.ncore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.frames.CameraMasksFrame;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.StaticPoseFrame;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.SortedMap;

/**
 * What a sequence archive holds besides its frame chunks: everything {@link SequenceSealer} renders node metadata
 * from, and the recording-level content it encodes itself (camera masks, cuboid observations). The iterators are
 * read once, one element at a time, so a store can stream them.
 */
public interface SequenceContent {
    /** Sequence id, generic meta data, optional end time. */
    SequenceHeader header();

    /** Every frame's entry whose nodes the sealer writes, each frame once, in any order. */
    Iterator<FrameEntry> frames();

    /**
     * The frames whose nodes are already in the archive ({@link FrameNodes}), each once, in the order their nodes
     * were written; none by default.
     */
    default Iterator<WrittenFrame> writtenFrames() {
        return Collections.emptyIterator();
    }

    /**
     * The consolidated entries {@link FrameNodes} returned for the {@link #writtenFrames()}, concatenated in the
     * same order; opened once, after the frames were read.
     */
    default InputStream writtenNodeEntries() throws IOException {
        return InputStream.nullInputStream();
    }

    /** Dynamic pose samples, in any order. */
    Iterator<PoseFrame> poses();

    List<StaticPoseFrame> staticPoses();

    List<IntrinsicsFrame> intrinsics();

    /**
     * Component instances' {@code generic_meta_data}, keyed {@code <component>/<instance>}; instances without an
     * entry get {@code {}}. An entry for an instance without other content creates it (a sensor with no frames,
     * a masks instance with no cameras, a cuboids instance with no observations), as ncore does for a registered
     * component writer that stored nothing.
     */
    SortedMap<String, ObjectNode> componentMeta();

    /**
     * The camera masks, one element per (masks instance, camera), in any order; the sealer encodes each mask
     * image as a chunk of its own (one camera's masks in memory at a time). None by default.
     */
    default Iterator<CameraMasksFrame> cameraMasks() {
        return Collections.emptyIterator();
    }

    /**
     * The cuboid track observations, the observations of one instance together (instances in any order), each
     * instance's in the order the archive lists them. None by default.
     */
    default Iterator<CuboidObservationFrame> cuboidObservations() {
        return Collections.emptyIterator();
    }
}
