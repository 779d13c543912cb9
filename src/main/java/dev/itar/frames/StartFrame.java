package dev.itar.frames;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code start}: optional explicit start of a recording.
 *
 * @param sequenceId ncore sequence id; empty means "use the recording id"
 * @param meta       the sequence's generic_meta_data (empty when absent)
 */
public record StartFrame(Optional<String> sequenceId, ObjectNode meta) implements Frame {
    public StartFrame {
        Objects.requireNonNull(sequenceId, "sequenceId");
        meta = Values.metaOrEmpty(meta);
    }

    @Override
    public String type() {
        return "start";
    }
}
