package dev.itar.archive;

/** A key was written to an indexed tar a second time; each key is a member at most once. */
public final class DuplicateKeyException extends IllegalArgumentException {
    private final String key;

    public DuplicateKeyException(String message, String key) {
        super(message);
        this.key = key;
    }

    /** The key that was already written. */
    public String key() {
        return key;
    }
}
