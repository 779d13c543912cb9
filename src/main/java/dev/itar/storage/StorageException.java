package dev.itar.storage;

import java.io.IOException;

/**
 * Archive storage failed. The message is one line naming the location (file path or {@code s3://} URI) and
 * what failed. {@link #kind()} says what the application can do about it: {@link Kind#RETRY_LATER} when
 * waiting may be enough (the store is unreachable, overloaded or out of space, credentials are being renewed),
 * {@link Kind#CONFIGURATION} when a person must change something first (no such bucket, access denied,
 * credentials rejected). Either way nothing is lost: the data to store is still where it was.
 */
public final class StorageException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What the application can do about a failure. */
    public enum Kind {
        /** Try again later, with backoff: the store may come back on its own. */
        RETRY_LATER,
        /** Retrying alone will not help: a setting, a permission or the store's content must change. */
        CONFIGURATION
    }

    /** What failed. */
    public enum Reason {
        UNREACHABLE(Kind.RETRY_LATER, "cannot reach the store"),
        SERVER_ERROR(Kind.RETRY_LATER, "the store failed"),
        THROTTLED(Kind.RETRY_LATER, "the store is throttling requests"),
        CREDENTIALS_EXPIRED(Kind.RETRY_LATER, "credentials expired"),
        NO_SPACE(Kind.RETRY_LATER, "no space left"),
        IO_ERROR(Kind.RETRY_LATER, "I/O error"),
        NO_SUCH_BUCKET(Kind.CONFIGURATION, "no such bucket"),
        NOT_FOUND(Kind.CONFIGURATION, "no such object"),
        ACCESS_DENIED(Kind.CONFIGURATION, "access denied"),
        BAD_CREDENTIALS(Kind.CONFIGURATION, "access denied: credentials rejected"),
        NO_CREDENTIALS(Kind.CONFIGURATION, "no credentials"),
        BAD_SETTING(Kind.CONFIGURATION, "bad storage setting"),
        REJECTED(Kind.CONFIGURATION, "request rejected");

        private final Kind kind;
        private final String summary;

        Reason(Kind kind, String summary) {
            this.kind = kind;
            this.summary = summary;
        }

        public Kind kind() {
            return kind;
        }

        /** A few words for logs and status pages, e.g. "no such bucket". */
        public String summary() {
            return summary;
        }
    }

    private final String location;
    private final Reason reason;

    /**
     * @param location the file path or URI the failure is about
     * @param detail   what was being done and what the store said, e.g. "upload failed: no such bucket 'b'"
     */
    public StorageException(String location, Reason reason, String detail, Throwable cause) {
        super(location + ": " + detail, cause);
        this.location = location;
        this.reason = reason;
    }

    public String location() {
        return location;
    }

    public Reason reason() {
        return reason;
    }

    public Kind kind() {
        return reason.kind();
    }

    /** True when waiting and trying again may succeed without anyone changing anything. */
    public boolean retryLater() {
        return reason.kind() == Kind.RETRY_LATER;
    }
}
