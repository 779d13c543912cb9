package dev.itar.ncore;

import java.util.List;
import java.util.Objects;

/**
 * One sensor frame as produced by {@link FrameEncoder}: the small description kept in the sequence state and
 * the encoded chunks to store, sorted by key.
 */
public record EncodedFrame(FrameEntry entry, List<Chunk> chunks) {
    public EncodedFrame {
        Objects.requireNonNull(entry, "entry");
        chunks = List.copyOf(chunks);
    }
}
