package dev.itar.storage;

import java.io.ByteArrayInputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Streams an object to S3 in parts of a fixed size, at most {@code partsInFlight} uploading while the next one
 * fills: heap is bounded by {@code partBytes * (partsInFlight + 1)} whatever the object's size. An object that
 * fits in one part is a single PUT at commit; a larger one a multipart upload, started when the first part is
 * full and completed at commit. Until then nothing is visible under the key; close() without commit aborts.
 */
final class S3ObjectOutput extends ArchiveOutput {
    private static final String CONTENT_TYPE = "application/octet-stream";

    private final S3Client client;
    private final S3Uri uri;
    private final ExecutorService executor;
    private final int partBytes;
    private final int partsInFlight;
    /** Part buffers whose upload has ended; at most partsInFlight + 1 are ever allocated. */
    private final BlockingQueue<byte[]> free;
    private int allocated;
    private byte[] current;
    private int fill;
    private long written;
    private S3MultipartUpload upload;
    private boolean finished;

    S3ObjectOutput(S3Client client, S3Uri uri, ExecutorService executor, int partBytes, int partsInFlight) {
        this.client = client;
        this.uri = uri;
        this.executor = executor;
        this.partBytes = partBytes;
        this.partsInFlight = partsInFlight;
        this.free = new ArrayBlockingQueue<>(partsInFlight + 1);
    }

    @Override
    public void write(int b) throws StorageException {
        room();
        current[fill++] = (byte) b;
        written++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws StorageException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            room();
            int n = Math.min(len, partBytes - fill);
            System.arraycopy(b, off, current, fill, n);
            fill += n;
            off += n;
            len -= n;
            written += n;
        }
    }

    /** Makes room for at least one byte: a full part goes up first (only once more bytes come, so a last part is never empty). */
    private void room() throws StorageException {
        if (finished) {
            throw new IllegalStateException(uri + ": output already committed or closed");
        }
        if (current == null) {
            current = nextBuffer();
        } else if (fill == partBytes) {
            sendPart();
            current = nextBuffer();
        }
    }

    private void sendPart() throws StorageException {
        if (upload == null) {
            upload = S3MultipartUpload.begin(client, uri, executor, partsInFlight);
        }
        byte[] part = current;
        int length = fill;
        current = null;
        fill = 0;
        upload.upload(RequestBody.fromContentProvider(() -> new ByteArrayInputStream(part, 0, length), length,
                CONTENT_TYPE), () -> free.offer(part));
    }

    private byte[] nextBuffer() throws StorageException {
        byte[] b = free.poll();
        if (b != null) {
            return b;
        }
        if (allocated < partsInFlight + 1) {
            allocated++;
            return new byte[partBytes];
        }
        try {
            return free.take(); // all in flight: the upload admitted no more than partsInFlight, so one ends soon
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(uri.toString(), StorageException.Reason.IO_ERROR,
                    "interrupted while waiting for a part upload", e);
        }
    }

    @Override
    public void commit() throws StorageException {
        if (finished) {
            throw new IllegalStateException(uri + ": output already committed or closed");
        }
        try {
            if (upload == null) {
                byte[] body = current == null ? new byte[0] : current;
                int length = fill;
                client.putObject(PutObjectRequest.builder().bucket(uri.bucket()).key(uri.key()).build(),
                        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(body, 0, length), length,
                                CONTENT_TYPE));
            } else {
                if (fill > 0) {
                    sendPart();
                }
                upload.complete();
            }
            finished = true;
            release();
        } catch (SdkException e) {
            close();
            throw S3Failures.of(uri.toString(), "cannot store " + written + " bytes", e);
        } catch (StorageException e) {
            close();
            throw e;
        }
    }

    @Override
    public long written() {
        return written;
    }

    @Override
    public String location() {
        return uri.toString();
    }

    @Override
    public void close() {
        if (finished) {
            return;
        }
        finished = true;
        if (upload != null) {
            upload.abort();
        }
        release();
    }

    private void release() {
        current = null;
        free.clear();
    }
}
