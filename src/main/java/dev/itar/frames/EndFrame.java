package dev.itar.frames;

import java.util.Objects;
import java.util.OptionalLong;

/** {@code end}: seals the recording; {@code t} is the optional end of its time interval (µs). */
public record EndFrame(OptionalLong t) implements Frame {
    public EndFrame {
        Objects.requireNonNull(t, "t");
    }

    @Override
    public String type() {
        return "end";
    }
}
