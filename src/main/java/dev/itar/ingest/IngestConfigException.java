package dev.itar.ingest;

import java.util.Objects;

/** A configuration value that is missing, malformed or out of range; the message names the key and where it came from. */
public final class IngestConfigException extends IllegalArgumentException {
    private final String key;

    public IngestConfigException(String key, String message) {
        super(message);
        this.key = Objects.requireNonNull(key, "key");
    }

    /** The configuration key the problem is about, e.g. {@code recording.idle.timeout.ms}. */
    public String key() {
        return key;
    }
}
