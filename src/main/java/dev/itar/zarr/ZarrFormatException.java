package dev.itar.zarr;

import java.io.IOException;

/**
 * Zarr content that cannot be understood: bad metadata, unknown codec or data type, a chunk that does not
 * decode to its expected size. The message names the archive, node and key it is about, when known.
 */
public class ZarrFormatException extends IOException {
    public ZarrFormatException(String message) {
        super(message);
    }

    public ZarrFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
