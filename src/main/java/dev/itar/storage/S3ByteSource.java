package dev.itar.storage;

import dev.itar.archive.ByteSource;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An object read by ranged GETs. Opening it is one GET of the object's last bytes (which tells its size and
 * is where every archive reader starts); each later read is one GET of exactly the bytes asked for, never the
 * whole object. Every read after the first is pinned to the object's ETag, so an object replaced while it is
 * read fails loudly instead of mixing two versions.
 */
public final class S3ByteSource implements ByteSource {
    private final S3Client client;
    private final boolean ownsClient;
    private final S3Uri uri;
    private final long size;
    private final String etag;
    private final byte[] tail;

    private S3ByteSource(S3Client client, boolean ownsClient, S3Uri uri, long size, String etag, byte[] tail) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.uri = uri;
        this.size = size;
        this.etag = etag;
        this.tail = tail;
    }

    /**
     * Opens {@code uri}, reading its last {@code tailBytes} bytes (all of it when smaller).
     *
     * @param ownsClient close {@code client} when this source is closed
     * @throws StorageException no such bucket or key, access denied, unreachable, ...
     */
    static S3ByteSource open(S3Client client, boolean ownsClient, S3Uri uri, int tailBytes) throws StorageException {
        GetObjectRequest request = GetObjectRequest.builder().bucket(uri.bucket()).key(uri.key())
                .range("bytes=-" + tailBytes).build();
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(request)) {
            GetObjectResponse r = in.response();
            byte[] tail = in.readAllBytes();
            long size = totalSize(r.contentRange(), tail.length);
            return new S3ByteSource(client, ownsClient, uri, size, r.eTag(), tail);
        } catch (S3Exception e) {
            if (e.statusCode() == 416) {
                return new S3ByteSource(client, ownsClient, uri, 0, null, new byte[0]); // empty: nothing to range
            }
            throw S3Failures.of(uri.toString(), "cannot open", e);
        } catch (SdkException e) {
            throw S3Failures.of(uri.toString(), "cannot open", e);
        } catch (IOException e) {
            throw new StorageException(uri.toString(), StorageException.Reason.UNREACHABLE,
                    "cannot open: reading the last " + tailBytes + " bytes failed: " + e.getMessage(), e);
        }
    }

    /** "bytes 100-199/200" gives 200; without a Content-Range the body was the whole object. */
    private static long totalSize(String contentRange, int bodyLength) {
        if (contentRange != null) {
            int slash = contentRange.lastIndexOf('/');
            if (slash >= 0 && !contentRange.endsWith("*")) {
                return Long.parseLong(contentRange.substring(slash + 1).trim());
            }
        }
        return bodyLength;
    }

    public S3Uri uri() {
        return uri;
    }

    @Override
    public String name() {
        return uri.toString();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] read(long offset, int length) throws IOException {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new EOFException(uri + ": cannot read " + length + " bytes at offset " + offset + ": the object has "
                    + size + " bytes");
        }
        if (length == 0) {
            return new byte[0];
        }
        long tailOffset = size - tail.length;
        if (offset >= tailOffset) {
            int from = (int) (offset - tailOffset);
            return Arrays.copyOfRange(tail, from, from + length);
        }
        long last = offset + length - 1;
        GetObjectRequest request = GetObjectRequest.builder().bucket(uri.bucket()).key(uri.key())
                .range("bytes=" + offset + "-" + last).ifMatch(etag).build();
        String action = "cannot read bytes " + offset + "-" + last;
        byte[] bytes;
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(request)) {
            bytes = in.readNBytes(length);
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                throw new StorageException(uri.toString(), StorageException.Reason.REJECTED, action
                        + ": the object was replaced while it was being read (ETag " + etag + " no longer matches)", e);
            }
            throw S3Failures.of(uri.toString(), action, e);
        } catch (SdkException e) {
            throw S3Failures.of(uri.toString(), action, e);
        } catch (IOException e) {
            throw new StorageException(uri.toString(), StorageException.Reason.UNREACHABLE,
                    action + ": the transfer broke off: " + e.getMessage(), e);
        }
        if (bytes.length != length) {
            throw new EOFException(uri + ": " + action + ": the store sent " + bytes.length + " bytes");
        }
        return bytes;
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
