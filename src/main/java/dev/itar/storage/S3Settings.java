package dev.itar.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * How to reach S3 or a compatible store. Every setting is optional: an absent one is left to the AWS SDK's
 * default chains (endpoint: {@code AWS_ENDPOINT_URL_S3}, {@code AWS_ENDPOINT_URL}, the profile; region:
 * {@code AWS_REGION}, the profile, instance metadata; credentials: {@code AWS_ACCESS_KEY_ID}/..., web identity,
 * the profile, container and instance credentials). Path-style addressing is off unless set, as in the SDK.
 *
 * @param partBytes     size of each multipart upload part (the last may be smaller); heap while uploading is
 *                      at most {@code partBytes * (partsInFlight + 1)}
 * @param partsInFlight parts uploaded at once
 */
public record S3Settings(Optional<URI> endpoint, Optional<String> region, Optional<Boolean> pathStyle,
                         Optional<String> accessKeyId, Optional<String> secretAccessKey,
                         Optional<String> sessionToken, int partBytes, int partsInFlight) {
    public static final String ENDPOINT = "s3.endpoint";
    public static final String REGION = "s3.region";
    public static final String PATH_STYLE = "s3.path.style";
    public static final String ACCESS_KEY_ID = "s3.access.key.id";
    public static final String SECRET_ACCESS_KEY = "s3.secret.access.key";
    public static final String SESSION_TOKEN = "s3.session.token";
    public static final String PART_BYTES = "s3.part.bytes";
    public static final String PARTS_IN_FLIGHT = "s3.parts.in.flight";
    /** Every key, in the order the configuration file documents them. */
    public static final List<String> KEYS = List.of(ENDPOINT, REGION, PATH_STYLE, ACCESS_KEY_ID, SECRET_ACCESS_KEY,
            SESSION_TOKEN, PART_BYTES, PARTS_IN_FLIGHT);

    /** S3's smallest part (all but the last must be at least this). */
    public static final int MIN_PART_BYTES = 5 << 20;
    public static final int DEFAULT_PART_BYTES = 8 << 20;
    public static final int MAX_PART_BYTES = 1 << 30;
    public static final int DEFAULT_PARTS_IN_FLIGHT = 2;
    public static final int MAX_PARTS_IN_FLIGHT = 16;

    public S3Settings {
        if (partBytes < MIN_PART_BYTES || partBytes > MAX_PART_BYTES) {
            throw new IllegalArgumentException(PART_BYTES + " " + partBytes + " is outside [" + MIN_PART_BYTES + ", "
                    + MAX_PART_BYTES + "] (S3 parts but the last are at least 5 MiB)");
        }
        if (partsInFlight < 1 || partsInFlight > MAX_PARTS_IN_FLIGHT) {
            throw new IllegalArgumentException(PARTS_IN_FLIGHT + " " + partsInFlight + " is outside [1, "
                    + MAX_PARTS_IN_FLIGHT + "]");
        }
        if (accessKeyId.isPresent() != secretAccessKey.isPresent()) {
            throw new IllegalArgumentException(ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY
                    + " must be set together (or neither, for the SDK's default credentials)");
        }
        if (sessionToken.isPresent() && accessKeyId.isEmpty()) {
            throw new IllegalArgumentException(SESSION_TOKEN + " needs " + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY);
        }
    }

    /** Everything from the SDK's default chains. */
    public static S3Settings defaults() {
        return new S3Settings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), DEFAULT_PART_BYTES, DEFAULT_PARTS_IN_FLIGHT);
    }

    /**
     * Reads the settings from {@code lookup} (key → value, null or blank when not set).
     *
     * @throws IllegalArgumentException a value is invalid; the message names the key
     */
    public static S3Settings from(Function<String, String> lookup) {
        return new S3Settings(
                value(lookup, ENDPOINT).map(S3Settings::endpointUri),
                value(lookup, REGION),
                value(lookup, PATH_STYLE).map(S3Settings::bool),
                value(lookup, ACCESS_KEY_ID),
                value(lookup, SECRET_ACCESS_KEY),
                value(lookup, SESSION_TOKEN),
                value(lookup, PART_BYTES).map(v -> integer(PART_BYTES, v)).orElse(DEFAULT_PART_BYTES),
                value(lookup, PARTS_IN_FLIGHT).map(v -> integer(PARTS_IN_FLIGHT, v)).orElse(DEFAULT_PARTS_IN_FLIGHT));
    }

    /** These settings with an endpoint, region, path-style and static credentials (a private store, tests). */
    public S3Settings withStore(URI endpoint, String region, boolean pathStyle, String accessKeyId,
                                String secretAccessKey) {
        return new S3Settings(Optional.of(endpoint), Optional.of(region), Optional.of(pathStyle),
                Optional.of(accessKeyId), Optional.of(secretAccessKey), Optional.empty(), partBytes, partsInFlight);
    }

    public S3Settings withParts(int partBytes, int partsInFlight) {
        return new S3Settings(endpoint, region, pathStyle, accessKeyId, secretAccessKey, sessionToken, partBytes,
                partsInFlight);
    }

    private static Optional<String> value(Function<String, String> lookup, String key) {
        String v = lookup.apply(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    private static URI endpointUri(String v) {
        try {
            URI uri = new URI(v);
            if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException(ENDPOINT + " '" + v + "' is not an http:// or https:// URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(ENDPOINT + " '" + v + "' is not a URL: " + e.getReason(), e);
        }
    }

    private static boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(PATH_STYLE + " '" + v + "' is neither true nor false");
        };
    }

    private static int integer(String key, String v) {
        try {
            return Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " '" + v + "' is not an integer", e);
        }
    }

    /** Secrets masked. */
    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint.map(URI::toString).orElse("(SDK default)")
                + ", region=" + region.orElse("(SDK default)")
                + ", pathStyle=" + pathStyle.map(String::valueOf).orElse("(SDK default)")
                + ", credentials=" + (accessKeyId.isPresent() ? "static key " + accessKeyId.get() : "(SDK default chain)")
                + ", partBytes=" + partBytes + ", partsInFlight=" + partsInFlight + "]";
    }
}
