package dev.itar.storage;

import java.util.regex.Pattern;

/**
 * An {@code s3://bucket/key} address: of one object, or (with a key that is a prefix) of a place archives go.
 * The key is kept without a leading or trailing '/'; {@link #resolve} adds a name under it.
 */
public record S3Uri(String bucket, String key) {
    public static final String SCHEME = "s3://";
    /** S3's bucket naming rules, slightly relaxed (compatible stores allow upper case and underscores). */
    private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{2,254}");

    public S3Uri {
        if (!BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("'" + bucket + "' is not a bucket name (3-255 letters, digits, '.', '_', '-')");
        }
        if (key.startsWith("/") || key.endsWith("/") || key.contains("//")) {
            throw new IllegalArgumentException("key '" + key + "' of bucket '" + bucket
                    + "' has an empty path segment");
        }
    }

    public static boolean isS3(String location) {
        return location.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /** Parses {@code s3://bucket}, {@code s3://bucket/} or {@code s3://bucket/key/...}; a trailing '/' is dropped. */
    public static S3Uri parse(String uri) {
        if (!isS3(uri)) {
            throw new IllegalArgumentException("'" + uri + "' is not an s3:// URI");
        }
        String rest = uri.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : rest.substring(slash + 1);
        if (key.endsWith("/")) {
            key = key.substring(0, key.length() - 1);
        }
        try {
            return new S3Uri(bucket, key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + uri + "' is not a valid s3:// URI: " + e.getMessage(), e);
        }
    }

    /** The object {@code name} under this prefix. */
    public S3Uri resolve(String name) {
        return new S3Uri(bucket, key.isEmpty() ? name : key + "/" + name);
    }

    /** The prefix a listing of this place uses: the key and a '/', or "" for a whole bucket. */
    public String listPrefix() {
        return key.isEmpty() ? "" : key + "/";
    }

    @Override
    public String toString() {
        return SCHEME + bucket + (key.isEmpty() ? "" : "/" + key);
    }
}
