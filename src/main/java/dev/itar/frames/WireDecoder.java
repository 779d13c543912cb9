package dev.itar.frames;

/**
 * Decodes and fully validates one wire-format v1 record (work in progress: signature is final).
 */
public final class WireDecoder {
    /** Largest record value accepted, in bytes. */
    public static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;
    /** Deepest nesting of CBOR maps/arrays accepted (the top-level map is depth 1). */
    public static final int MAX_DEPTH = 64;

    private WireDecoder() {
    }

    public static Frame decode(String recordingId, byte[] value) throws InvalidRecordException {
        throw new InvalidRecordException(InvalidRecordException.BAD_CBOR, "decoder not implemented yet");
    }
}
