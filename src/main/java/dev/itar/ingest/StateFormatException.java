package dev.itar.ingest;

/**
 * A state store or changelog value this release cannot read: another format version, or damage. The message
 * names the store and key and says what to do; Kafka Streams stops the task rather than misread its state.
 */
public final class StateFormatException extends RuntimeException {
    public StateFormatException(String message) {
        super(message);
    }
}
