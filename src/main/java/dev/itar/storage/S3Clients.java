package dev.itar.storage;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the one kind of S3 client the storage layer uses, from {@link S3Settings} over the SDK's chains. */
final class S3Clients {
    private S3Clients() {}

    /**
     * @param location what the client is for, named in errors
     * @throws StorageException no region could be found, or a setting the SDK refuses
     */
    static S3Client create(S3Settings settings, String location) throws StorageException {
        try {
            return builder(settings).build();
        } catch (SdkClientException e) {
            if (settings.region().isEmpty() && String.valueOf(e.getMessage()).contains("Unable to load region")) {
                throw new StorageException(location, StorageException.Reason.BAD_SETTING, "no region: set "
                        + S3Settings.REGION + " (ITAR_S3_REGION) or AWS_REGION; the SDK's region chain found none", e);
            }
            throw new StorageException(location, StorageException.Reason.BAD_SETTING,
                    "cannot set up the S3 client: " + oneLine(e.getMessage()), e);
        } catch (IllegalArgumentException e) {
            throw new StorageException(location, StorageException.Reason.BAD_SETTING,
                    "cannot set up the S3 client: " + oneLine(e.getMessage()), e);
        }
    }

    /** The builder {@link #create} builds; tests add an interceptor to see the requests made. */
    static S3ClientBuilder builder(S3Settings settings) {
        S3ClientBuilder b = S3Client.builder()
                // Apache HttpClient streams request bodies; the JDK's HttpURLConnection would buffer each part (README)
                .httpClientBuilder(ApacheHttpClient.builder())
                // The SDK's newer default sends CRC checksums in a trailer of an aws-chunked body, which many
                // S3-compatible stores reject; checksums only where an operation requires them works with all.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        settings.endpoint().ifPresent(b::endpointOverride);
        settings.region().map(Region::of).ifPresent(b::region);
        settings.pathStyle().ifPresent(b::forcePathStyle);
        if (settings.accessKeyId().isPresent()) {
            String id = settings.accessKeyId().get();
            String secret = settings.secretAccessKey().orElseThrow();
            b.credentialsProvider(StaticCredentialsProvider.create(settings.sessionToken()
                    .<software.amazon.awssdk.auth.credentials.AwsCredentials>map(
                            t -> AwsSessionCredentials.create(id, secret, t))
                    .orElseGet(() -> AwsBasicCredentials.create(id, secret))));
        }
        return b;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
