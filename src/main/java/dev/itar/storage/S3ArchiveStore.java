package dev.itar.storage;

import dev.itar.archive.ByteSource;
import dev.itar.archive.IndexedTarReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Archives under {@code s3://bucket/prefix/}. An object becomes visible in one step — a single PUT, or the
 * CompleteMultipartUpload that ends a multipart upload — so readers see it whole or not at all; the same name
 * and bytes always give the same object (same parts, same ETag).
 */
final class S3ArchiveStore implements ArchiveStore {
    private static final String CONTENT_TYPE = "application/octet-stream";

    private final S3Client client;
    private final S3Uri prefix;
    private final S3Settings settings;
    private final ExecutorService uploads;

    S3ArchiveStore(S3Client client, S3Uri prefix, S3Settings settings) {
        this.client = client;
        this.prefix = prefix;
        this.settings = settings;
        AtomicInteger n = new AtomicInteger();
        this.uploads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "itar-s3-upload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String location() {
        return prefix.toString();
    }

    @Override
    public String uriOf(String name) {
        return prefix.resolve(ObjectNames.check(name)).toString();
    }

    @Override
    public void publish(Path localFile, String name) throws StorageException {
        S3Uri target = prefix.resolve(ObjectNames.check(name));
        long size;
        try {
            size = Files.size(localFile);
        } catch (IOException e) {
            throw LocalFailures.of(localFile.toString(), "cannot publish to " + target, e);
        }
        if (size <= settings.partBytes()) {
            try {
                client.putObject(PutObjectRequest.builder().bucket(target.bucket()).key(target.key()).build(),
                        RequestBody.fromContentProvider(() -> FileRange.open(localFile, 0, size), size, CONTENT_TYPE));
            } catch (SdkException e) {
                throw S3Failures.of(target.toString(), "cannot upload " + localFile + " (" + size + " bytes)", e);
            }
        } else {
            uploadParts(localFile, size, target);
        }
        try {
            Files.delete(localFile);
        } catch (IOException e) {
            throw LocalFailures.of(localFile.toString(), "uploaded to " + target + ", but cannot delete the local file", e);
        }
    }

    /** Parts read straight from the file (no part is held in memory); larger parts when 10,000 would not do. */
    private void uploadParts(Path file, long size, S3Uri target) throws StorageException {
        long minimum = (size + S3MultipartUpload.MAX_PARTS - 1) / S3MultipartUpload.MAX_PARTS;
        long partBytes = Math.max(settings.partBytes(), (minimum + (1 << 20) - 1) & -(1L << 20));
        S3MultipartUpload upload = S3MultipartUpload.begin(client, target, uploads,
                settings.partsInFlight());
        try {
            for (long offset = 0; offset < size; offset += partBytes) {
                long from = offset;
                long length = Math.min(partBytes, size - offset);
                upload.upload(RequestBody.fromContentProvider(() -> FileRange.open(file, from, length), length,
                        CONTENT_TYPE), () -> { });
            }
            upload.complete();
        } catch (StorageException e) {
            upload.abort();
            throw e;
        }
    }

    @Override
    public ArchiveOutput create(String name) {
        return new S3ObjectOutput(client, prefix.resolve(ObjectNames.check(name)), uploads, settings.partBytes(),
                settings.partsInFlight());
    }

    @Override
    public void put(String name, byte[] content) throws StorageException {
        S3Uri target = prefix.resolve(ObjectNames.check(name));
        try {
            client.putObject(PutObjectRequest.builder().bucket(target.bucket()).key(target.key()).build(),
                    RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw S3Failures.of(target.toString(), "cannot write " + content.length + " bytes", e);
        }
    }

    @Override
    public Optional<Long> size(String name) throws StorageException {
        S3Uri target = prefix.resolve(ObjectNames.check(name));
        try {
            return Optional.of(client.headObject(HeadObjectRequest.builder().bucket(target.bucket()).key(target.key())
                    .build()).contentLength());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw S3Failures.of(target.toString(), "cannot read the size", e);
        }
    }

    @Override
    public ByteSource open(String name) throws StorageException {
        return S3ByteSource.open(client, false, prefix.resolve(ObjectNames.check(name)),
                IndexedTarReader.DEFAULT_TAIL_BYTES);
    }

    @Override
    public List<String> removeAbandoned(Instant startedBefore) throws StorageException {
        // deeper keys are not this store's names
        return abortUploads(prefix.listPrefix(), key -> key.indexOf('/', prefix.listPrefix().length()) < 0,
                startedBefore);
    }

    @Override
    public List<String> removeAbandoned(Collection<String> names, Instant startedBefore) throws StorageException {
        List<String> removed = new ArrayList<>();
        for (String name : names) {
            String key = prefix.resolve(ObjectNames.check(name)).key();
            removed.addAll(abortUploads(key, key::equals, startedBefore));
        }
        return removed;
    }

    /** Aborts the multipart uploads under {@code listPrefix} whose key passes {@code keys}, begun before the cut-off. */
    private List<String> abortUploads(String listPrefix, Predicate<String> keys, Instant startedBefore)
            throws StorageException {
        List<String> removed = new ArrayList<>();
        try {
            for (MultipartUpload u : client.listMultipartUploadsPaginator(ListMultipartUploadsRequest.builder()
                    .bucket(prefix.bucket()).prefix(listPrefix).build()).uploads()) {
                if (!keys.test(u.key()) || !u.initiated().isBefore(startedBefore)) {
                    continue; // not one of these names, or possibly a live writer's
                }
                client.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(prefix.bucket()).key(u.key())
                        .uploadId(u.uploadId()).build());
                removed.add(new S3Uri(prefix.bucket(), u.key()) + " (multipart upload " + u.uploadId() + " begun "
                        + u.initiated() + ")");
            }
        } catch (SdkException e) {
            throw S3Failures.of(prefix.toString(), "cannot remove abandoned multipart uploads", e);
        }
        return removed;
    }

    @Override
    public void close() {
        uploads.shutdownNow();
        client.close();
    }

    @Override
    public String toString() {
        return "S3ArchiveStore[" + prefix + ", " + settings + "]";
    }

    /** {@code length} bytes of a file from {@code offset}, as a stream the SDK may ask for again on a retry. */
    private static final class FileRange extends InputStream {
        private final FileChannel channel;
        private long position;
        private final long end;

        private FileRange(FileChannel channel, long offset, long length) {
            this.channel = channel;
            this.position = offset;
            this.end = offset + length;
        }

        static FileRange open(Path file, long offset, long length) {
            try {
                return new FileRange(FileChannel.open(file, StandardOpenOption.READ), offset, length);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(file + ": cannot read bytes from offset " + offset, e);
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= end) {
                return -1;
            }
            int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
            if (n < 0) {
                throw new java.io.EOFException("file ended at offset " + position + " before " + end
                        + " while uploading it (was it changed?)");
            }
            position += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
