package dev.itar.storage;

import dev.itar.storage.StorageException.Reason;
import java.io.IOException;
import java.util.Map;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Turns what the AWS SDK throws into a {@link StorageException}: one line, the URI, what failed, and its kind. */
final class S3Failures {
    /** S3 error codes (and those of compatible stores) with a meaning the application can act on. */
    private static final Map<String, Reason> BY_CODE = Map.ofEntries(
            Map.entry("NoSuchBucket", Reason.NO_SUCH_BUCKET),
            Map.entry("NoSuchKey", Reason.NOT_FOUND),
            Map.entry("AccessDenied", Reason.ACCESS_DENIED),
            Map.entry("AllAccessDisabled", Reason.ACCESS_DENIED),
            Map.entry("AccountProblem", Reason.ACCESS_DENIED),
            Map.entry("InvalidAccessKeyId", Reason.BAD_CREDENTIALS),
            Map.entry("SignatureDoesNotMatch", Reason.BAD_CREDENTIALS),
            Map.entry("InvalidToken", Reason.BAD_CREDENTIALS),
            Map.entry("ExpiredToken", Reason.CREDENTIALS_EXPIRED),
            Map.entry("TokenRefreshRequired", Reason.CREDENTIALS_EXPIRED),
            Map.entry("RequestTimeTooSkewed", Reason.BAD_SETTING),
            Map.entry("PermanentRedirect", Reason.BAD_SETTING),
            Map.entry("AuthorizationHeaderMalformed", Reason.BAD_SETTING),
            Map.entry("SlowDown", Reason.THROTTLED),
            Map.entry("Throttling", Reason.THROTTLED),
            Map.entry("ThrottlingException", Reason.THROTTLED),
            Map.entry("RequestLimitExceeded", Reason.THROTTLED),
            Map.entry("TooManyRequests", Reason.THROTTLED),
            Map.entry("ServiceUnavailable", Reason.SERVER_ERROR),
            Map.entry("InternalError", Reason.SERVER_ERROR),
            // another writer (or a clean-up of abandoned uploads) aborted this upload: a new one may succeed
            Map.entry("NoSuchUpload", Reason.SERVER_ERROR),
            Map.entry("XMinioStorageFull", Reason.NO_SPACE));

    private S3Failures() {}

    /**
     * @param location the URI the request was about
     * @param action   what was being done, e.g. "cannot read bytes 0-511"
     */
    static StorageException of(String location, String action, SdkException e) {
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            String message = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorMessage();
            Reason reason = reasonOf(code, s3.statusCode());
            String detail = reason.summary()
                    + (message == null || message.isBlank() ? "" : ": " + S3Clients.oneLine(message))
                    + " (" + (code == null ? "" : code + ", ") + "HTTP " + s3.statusCode() + ")";
            return new StorageException(location, reason, action + ": " + detail, e);
        }
        Reason reason = clientReason(e);
        return new StorageException(location, reason, action + ": " + reason.summary() + ": "
                + S3Clients.oneLine(e.getMessage()), e);
    }

    private static Reason reasonOf(String code, int status) {
        Reason known = code == null ? null : BY_CODE.get(code);
        if (known != null) {
            return known;
        }
        if (status == 404) {
            return Reason.NOT_FOUND; // a HEAD's 404 carries no code
        }
        if (status == 403) {
            return Reason.ACCESS_DENIED;
        }
        if (status == 429) {
            return Reason.THROTTLED;
        }
        if (status >= 500) {
            return Reason.SERVER_ERROR;
        }
        return Reason.REJECTED;
    }

    private static Reason clientReason(SdkException e) {
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return Reason.UNREACHABLE;
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.contains("Unable to load credentials")) {
            return Reason.NO_CREDENTIALS;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof java.io.UncheckedIOException) {
                return Reason.UNREACHABLE;
            }
        }
        return e instanceof SdkClientException ? Reason.IO_ERROR : Reason.SERVER_ERROR;
    }
}
