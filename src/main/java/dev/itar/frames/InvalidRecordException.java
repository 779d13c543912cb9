package dev.itar.frames;

import java.util.Objects;

/**
 * A Kafka record that the wire format (v1) does not allow. {@link #reason()} is a sentence a
 * person can act on (it names the field and the offending value or limit); {@link #code()} is a
 * short stable token for metrics and dead-letter headers.
 */
public final class InvalidRecordException extends Exception {
    /** Not CBOR, malformed CBOR, trailing data, duplicate keys, tags, non-text keys, bad UTF-8. */
    public static final String BAD_CBOR = "bad-cbor";
    /** Record larger than {@link WireDecoder#MAX_RECORD_BYTES} or nested deeper than {@link WireDecoder#MAX_DEPTH}. */
    public static final String TOO_LARGE = "too-large";
    /** The record key is not a valid recording id. */
    public static final String BAD_KEY = "bad-key";
    /** {@code v} is not 1. */
    public static final String BAD_VERSION = "bad-version";
    /** {@code type} is not one of the known types. */
    public static final String UNKNOWN_TYPE = "unknown-type";
    /** A required field is absent. */
    public static final String MISSING_FIELD = "missing-field";
    /** A field the wire format does not define for this type. */
    public static final String UNKNOWN_FIELD = "unknown-field";
    /** A field has the wrong CBOR type (e.g. text where bytes are required, float where uint is). */
    public static final String WRONG_TYPE = "wrong-type";
    /** A name (sensor, format, frame name, data key, sequence id) does not match its syntax. */
    public static final String BAD_NAME = "bad-name";
    /** A byte array's length does not match its element type and shape. */
    public static final String BAD_LENGTH = "bad-length";
    /** A number outside its allowed range (t0 > t1, ray time outside [t0,t1], distance < 0, ...). */
    public static final String OUT_OF_RANGE = "out-of-range";
    /** A pose matrix that is not a finite rigid transform. */
    public static final String NOT_RIGID = "not-rigid";

    private final String code;
    private final String reason;

    public InvalidRecordException(String code, String reason) {
        super(code + ": " + reason);
        this.code = Objects.requireNonNull(code, "code");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public InvalidRecordException(String code, String reason, Throwable cause) {
        super(code + ": " + reason, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Short machine-friendly token, one of the constants of this class. */
    public String code() {
        return code;
    }

    /** A sentence a person can act on, naming the field and the value or limit. */
    public String reason() {
        return reason;
    }
}
