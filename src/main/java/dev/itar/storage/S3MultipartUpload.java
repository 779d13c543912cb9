package dev.itar.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * One S3 multipart upload: parts go up in order of submission, at most {@code partsInFlight} at once (a submit
 * waits for room), and the object appears only at {@link #complete()}, S3's CompleteMultipartUpload, the last
 * request. {@link #abort()} discards the parts. Used from one thread; parts upload on the executor's.
 */
final class S3MultipartUpload {
    /** S3's limit. */
    static final int MAX_PARTS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(S3MultipartUpload.class);

    private final S3Client client;
    private final S3Uri uri;
    private final String uploadId;
    private final ExecutorService executor;
    private final Semaphore room;
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private final AtomicReference<StorageException> failure = new AtomicReference<>();

    private S3MultipartUpload(S3Client client, S3Uri uri, String uploadId, ExecutorService executor, int partsInFlight) {
        this.client = client;
        this.uri = uri;
        this.uploadId = uploadId;
        this.executor = executor;
        this.room = new Semaphore(partsInFlight);
    }

    static S3MultipartUpload begin(S3Client client, S3Uri uri, ExecutorService executor, int partsInFlight)
            throws StorageException {
        try {
            String id = client.createMultipartUpload(CreateMultipartUploadRequest.builder()
                    .bucket(uri.bucket()).key(uri.key()).build()).uploadId();
            return new S3MultipartUpload(client, uri, id, executor, partsInFlight);
        } catch (SdkException e) {
            throw S3Failures.of(uri.toString(), "cannot start the upload", e);
        }
    }

    /**
     * Uploads the next part. Returns once it is on its way; {@code whenDone} runs when its upload has ended,
     * successfully or not (the body's memory may then be reused).
     *
     * @throws StorageException an earlier part failed, or the upload already has {@link #MAX_PARTS} parts
     */
    void upload(RequestBody body, Runnable whenDone) throws StorageException {
        throwIfFailed();
        if (parts.size() == MAX_PARTS) {
            whenDone.run();
            throw new StorageException(uri.toString(), StorageException.Reason.BAD_SETTING, "the object needs more than "
                    + MAX_PARTS + " parts, S3's limit; raise " + S3Settings.PART_BYTES, null);
        }
        try {
            room.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            whenDone.run();
            throw new StorageException(uri.toString(), StorageException.Reason.IO_ERROR,
                    "interrupted while waiting to upload part " + (parts.size() + 1), e);
        }
        int number = parts.size() + 1;
        parts.add(executor.submit(() -> {
            try {
                String etag = client.uploadPart(UploadPartRequest.builder().bucket(uri.bucket()).key(uri.key())
                        .uploadId(uploadId).partNumber(number).build(), body).eTag();
                return CompletedPart.builder().partNumber(number).eTag(etag).build();
            } catch (SdkException e) {
                StorageException f = S3Failures.of(uri.toString(), "cannot upload part " + number, e);
                failure.compareAndSet(null, f);
                throw f;
            } finally {
                whenDone.run();
                room.release();
            }
        }));
    }

    int partCount() {
        return parts.size();
    }

    private void throwIfFailed() throws StorageException {
        StorageException f = failure.get();
        if (f != null) {
            throw f;
        }
    }

    /** Waits for every part, then makes the object appear. On failure the caller aborts. */
    void complete() throws StorageException {
        List<CompletedPart> done = new ArrayList<>(parts.size());
        for (Future<CompletedPart> p : parts) {
            done.add(await(p));
        }
        try {
            client.completeMultipartUpload(CompleteMultipartUploadRequest.builder().bucket(uri.bucket()).key(uri.key())
                    .uploadId(uploadId).multipartUpload(CompletedMultipartUpload.builder().parts(done).build()).build());
        } catch (SdkException e) {
            throw S3Failures.of(uri.toString(), "cannot complete the upload of " + done.size() + " parts", e);
        }
    }

    private CompletedPart await(Future<CompletedPart> part) throws StorageException {
        try {
            return part.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(uri.toString(), StorageException.Reason.IO_ERROR,
                    "interrupted while waiting for the upload's parts", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StorageException s) {
                throw s;
            }
            throw new StorageException(uri.toString(), StorageException.Reason.IO_ERROR,
                    "a part upload failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Discards the upload: waits for parts still on their way (S3 may keep a part that lands after the abort),
     * then aborts. Never throws; an upload that cannot be aborted now is found later by
     * {@link ArchiveStore#removeAbandoned}.
     */
    void abort() {
        for (Future<CompletedPart> p : parts) {
            try {
                p.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                // the failure that brought us here, or another; the abort below discards them all
            }
        }
        try {
            client.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(uri.bucket()).key(uri.key())
                    .uploadId(uploadId).build());
        } catch (SdkException e) {
            LOG.warn("{}: cannot abort multipart upload {} now ({}); removeAbandoned will find it", uri, uploadId,
                    S3Failures.of(uri.toString(), "abort", e).getMessage());
        }
    }
}
