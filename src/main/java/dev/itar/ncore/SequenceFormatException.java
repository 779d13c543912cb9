package dev.itar.ncore;

import java.io.IOException;

/** An archive that is valid zarr but not a readable ncore v4 sequence; the message names the file and node. */
public class SequenceFormatException extends IOException {
    public SequenceFormatException(String message) {
        super(message);
    }

    public SequenceFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
