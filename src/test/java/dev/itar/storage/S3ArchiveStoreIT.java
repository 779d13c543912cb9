package dev.itar.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.itar.archive.ArchiveVerifier;
import dev.itar.archive.ByteSource;
import dev.itar.archive.IndexEntry;
import dev.itar.archive.IndexedTarReader;
import dev.itar.ncore.SealResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** The S3 archive store against a real S3 server (S3Proxy with its file system backend). */
class S3ArchiveStoreIT {
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension();
    static final int PART = S3Settings.MIN_PART_BYTES;

    static String bucket;

    @TempDir
    Path tmp;

    @BeforeAll
    static void bucket() throws Exception {
        bucket = S3.bucket("archives");
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static ArchiveStore store(String prefix) throws StorageException {
        return ArchiveStores.open("s3://" + bucket + "/" + prefix, S3.settings().withParts(PART, 2));
    }

    static boolean exists(S3Client c, String key) {
        try {
            c.headObject(HeadObjectRequest.builder().bucket(bucket).key(key).build());
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        }
    }

    static List<MultipartUpload> uploads(S3Client c, String prefix) {
        return c.listMultipartUploads(ListMultipartUploadsRequest.builder().bucket(bucket).prefix(prefix).build())
                .uploads();
    }

    @Test
    void aPublishedArchiveReadsBackByRangedGetsEqualToTheLocalFileByteForByte() throws Exception {
        SealResult sealed = TestArchives.cameraSequence(tmp, "drive-1", 24, 300_000); // ~7 MB: a multipart upload
        Path local = sealed.archive();
        byte[] expected = Files.readAllBytes(local);
        Path copy = Files.copy(local, tmp.resolve("to-publish"));
        try (ArchiveStore store = store("published")) {
            store.publish(copy, "drive-1.ncore4.zarr.itar");
            assertThat(copy).doesNotExist();
            assertThat(store.uriOf("drive-1.ncore4.zarr.itar"))
                    .isEqualTo("s3://" + bucket + "/published/drive-1.ncore4.zarr.itar");
            try (ByteSource s3 = store.open("drive-1.ncore4.zarr.itar");
                 IndexedTarReader remote = IndexedTarReader.open(s3);
                 IndexedTarReader file = IndexedTarReader.open(local)) {
                assertThat(s3.size()).isEqualTo(expected.length);
                byte[] back = new byte[expected.length];
                for (int off = 0; off < back.length; off += 1_000_000) {
                    int n = Math.min(1_000_000, back.length - off);
                    System.arraycopy(s3.read(off, n), 0, back, off, n);
                }
                assertThat(back).isEqualTo(expected);
                assertThat(remote.entries()).isEqualTo(file.entries());
                for (IndexEntry e : file.entries()) {
                    assertThat(remote.get(e.key())).as(e.key()).contains(file.get(e.key()).orElseThrow());
                }
                ArchiveVerifier.Report report = ArchiveVerifier.verify(s3);
                assertThat(report.problems()).isEmpty();
                assertThat(report.members()).hasSize(file.entries().size());
            }
        }
    }

    @Test
    void openingReadsTheTailOnceAndAKeyReadsOnlyItsOwnBytes() throws Exception {
        SealResult sealed = TestArchives.cameraSequence(tmp, "drive-2", 12, 250_000);
        try (ArchiveStore store = store("ranges")) {
            store.publish(Files.copy(sealed.archive(), tmp.resolve("copy")), "drive-2.ncore4.zarr.itar");
        }
        RangeRecorder recorder = new RangeRecorder();
        S3Client client = S3Clients.builder(S3.settings())
                .overrideConfiguration(o -> o.addExecutionInterceptor(recorder)).build();
        try (S3ByteSource s3 = S3ByteSource.open(client, true, S3Uri.parse("s3://" + bucket
                + "/ranges/drive-2.ncore4.zarr.itar"), IndexedTarReader.DEFAULT_TAIL_BYTES);
             IndexedTarReader reader = IndexedTarReader.open(s3)) {
            assertThat(recorder.ranges()).containsExactly("bytes=-" + IndexedTarReader.DEFAULT_TAIL_BYTES);
            IndexEntry first = reader.entries().get(0); // the first chunk: far before the tail
            assertThat(first.offset() + first.size()).isLessThan(s3.size() - IndexedTarReader.DEFAULT_TAIL_BYTES);
            recorder.clear();
            byte[] payload = reader.get(first.key()).orElseThrow();
            assertThat(payload).hasSize((int) first.size());
            assertThat(recorder.ranges()).containsExactly("bytes=" + first.offset() + "-"
                    + (first.offset() + first.size() - 1));
        }
    }

    @Test
    void theSameNameAndBytesWrittenTwiceGiveTheSameObject() throws Exception {
        byte[] content = bytes(2 * PART + 12345, 1);
        try (ArchiveStore store = store("twice"); S3Client c = S3.client()) {
            String[] etags = new String[3];
            for (int i = 0; i < 2; i++) {
                try (ArchiveOutput out = store.create("a.itar")) {
                    out.write(content, 0, 1000);
                    out.write(content, 1000, content.length - 1000);
                    out.commit();
                }
                ResponseBytes<GetObjectResponse> got = c.getObjectAsBytes(b -> b.bucket(bucket).key("twice/a.itar"));
                assertThat(got.asByteArray()).isEqualTo(content);
                etags[i] = got.response().eTag();
            }
            store.publish(Files.write(tmp.resolve("same"), content), "a.itar"); // same parts from a file
            ResponseBytes<GetObjectResponse> got = c.getObjectAsBytes(b -> b.bucket(bucket).key("twice/a.itar"));
            assertThat(got.asByteArray()).isEqualTo(content);
            etags[2] = got.response().eTag();
            assertThat(etags[1]).isEqualTo(etags[0]);
            assertThat(etags[2]).isEqualTo(etags[0]);
            assertThat(uploads(c, "twice/")).isEmpty();
        }
    }

    @Test
    void aStreamedObjectAppearsOnlyWhenCommitted() throws Exception {
        byte[] content = bytes(4 * PART + 1, 3);
        // one part in flight: once part 3 is on its way, parts 1 and 2 are stored
        try (ArchiveStore store = ArchiveStores.open("s3://" + bucket + "/appears", S3.settings().withParts(PART, 1));
             S3Client c = S3.client(); ArchiveOutput out = store.create("c.itar")) {
            out.write(content, 0, 3 * PART + 1);
            List<MultipartUpload> open = uploads(c, "appears/");
            assertThat(open).extracting(MultipartUpload::key).containsExactly("appears/c.itar");
            assertThat(c.listParts(b -> b.bucket(bucket).key("appears/c.itar").uploadId(open.get(0).uploadId()))
                    .parts()).hasSizeGreaterThanOrEqualTo(2);
            assertThat(exists(c, "appears/c.itar")).isFalse();
            out.write(content, 3 * PART + 1, content.length - (3 * PART + 1));
            assertThat(exists(c, "appears/c.itar")).isFalse();
            out.commit();
            assertThat(out.written()).isEqualTo(content.length);
            assertThat(store.size("c.itar")).contains((long) content.length);
            assertThat(c.getObjectAsBytes(b -> b.bucket(bucket).key("appears/c.itar")).asByteArray()).isEqualTo(content);
            assertThat(uploads(c, "appears/")).isEmpty();
        }
    }

    @Test
    void anOutputClosedWithoutCommitLeavesNoObjectAndNoUpload() throws Exception {
        try (ArchiveStore store = store("closed"); S3Client c = S3.client()) {
            try (ArchiveOutput out = store.create("b.itar")) {
                out.write(bytes(3 * PART, 2));
            }
            assertThat(exists(c, "closed/b.itar")).isFalse();
            assertThat(store.size("b.itar")).isEmpty();
            assertThat(uploads(c, "closed/")).isEmpty();
        }
    }

    @Test
    void smallObjectsAndTheSequenceMetaGoBesideTheArchive() throws Exception {
        byte[] meta = "{\"sequence_id\": \"drive-3\"}".getBytes(StandardCharsets.UTF_8);
        try (ArchiveStore store = store("small")) {
            store.put("drive-3.json", meta);
            try (ArchiveOutput out = store.create("drive-3.ncore4.zarr.itar")) {
                out.write(bytes(1000, 4));
                out.commit(); // under one part: a single PUT
            }
            try (ByteSource s = store.open("drive-3.json")) {
                assertThat(s.read(0, (int) s.size())).isEqualTo(meta);
            }
            try (ByteSource s = store.open("drive-3.ncore4.zarr.itar")) {
                assertThat(s.read(0, (int) s.size())).isEqualTo(bytes(1000, 4));
            }
        }
    }

    @Test
    void aWriterKilledBetweenPartsLeavesNoObjectAndItsAbandonedUploadIsFoundAndAborted() throws Exception {
        Instant beforeChild = Instant.now().minusSeconds(5);
        String location = "s3://" + bucket + "/crash";
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), S3UploadChild.class.getName(),
                "crash", location, "d.itar", "3").redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(S3.environment());
        pb.environment().put("ITAR_S3_PART_BYTES", Integer.toString(PART));
        Process child = pb.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8)); S3Client c = S3.client()) {
            assertThat(out.readLine()).isEqualTo("WROTE"); // blocks until the child has sent its parts
            List<MultipartUpload> open = uploads(c, "crash/");
            assertThat(open).extracting(MultipartUpload::key).containsExactly("crash/d.itar");
            assertThat(c.listParts(b -> b.bucket(bucket).key("crash/d.itar").uploadId(open.get(0).uploadId()))
                    .parts()).hasSizeGreaterThanOrEqualTo(2);

            child.destroyForcibly(); // SIGKILL, between parts
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(137);

            assertThat(exists(c, "crash/d.itar")).isFalse(); // no partial object
            try (ArchiveStore store = store("crash")) {
                // an upload begun after the cut-off might be a live writer's: left alone
                assertThat(store.removeAbandoned(beforeChild)).isEmpty();
                assertThat(uploads(c, "crash/")).hasSize(1);
                // limited to other names: left alone
                assertThat(store.removeAbandoned(List.of("e.itar", "d.itar.x"), Instant.now().plusSeconds(1))).isEmpty();
                assertThat(uploads(c, "crash/")).hasSize(1);
                List<String> removed = store.removeAbandoned(List.of("d.itar"), Instant.now().plusSeconds(1));
                assertThat(removed).singleElement().asString()
                        .startsWith("s3://" + bucket + "/crash/d.itar (multipart upload " + open.get(0).uploadId());
            }
            assertThat(uploads(c, "crash/")).isEmpty();
            assertThat(exists(c, "crash/d.itar")).isFalse();
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void badCredentialsAreAConfigurationErrorAndTheFileWaitsForALaterRetry() throws Exception {
        Path file = Files.write(tmp.resolve("pending.itar"), bytes(4096, 5));
        S3Settings wrong = S3.settings().withStore(S3.endpoint(), S3ProxyExtension.REGION, true,
                S3ProxyExtension.IDENTITY, "not-the-secret");
        try (ArchiveStore store = ArchiveStores.open("s3://" + bucket + "/creds", wrong)) {
            assertThatThrownBy(() -> store.publish(file, "e.itar"))
                    .isInstanceOfSatisfying(StorageException.class, e -> {
                        assertThat(e.kind()).isEqualTo(StorageException.Kind.CONFIGURATION);
                        assertThat(e.reason()).isEqualTo(StorageException.Reason.BAD_CREDENTIALS);
                        assertThat(e.getMessage()).startsWith("s3://" + bucket + "/creds/e.itar: ")
                                .contains("credentials rejected").doesNotContain("\n");
                    });
        }
        assertThat(file).exists(); // nothing lost: it seals once storage is back
        try (ArchiveStore store = store("creds")) {
            store.publish(file, "e.itar");
            try (ByteSource s = store.open("e.itar")) {
                assertThat(s.read(0, 4096)).isEqualTo(bytes(4096, 5));
            }
        }
    }

    @Test
    void aMissingBucketIsAConfigurationErrorNamingTheUri() throws Exception {
        Path file = Files.write(tmp.resolve("f.itar"), bytes(100, 6));
        try (ArchiveStore store = ArchiveStores.open("s3://no-such-bucket/x", S3.settings())) {
            for (StorageAction a : List.<StorageAction>of(() -> store.publish(file, "f.itar"),
                    () -> store.put("f.json", new byte[1]), () -> store.open("f.itar").close(),
                    () -> store.removeAbandoned(Instant.now()))) {
                assertThatThrownBy(a::run).isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.reason()).isEqualTo(StorageException.Reason.NO_SUCH_BUCKET);
                    assertThat(e.retryLater()).isFalse();
                    assertThat(e.getMessage()).startsWith("s3://no-such-bucket/x").contains("no such bucket")
                            .doesNotContain("\n");
                });
            }
        }
        assertThat(file).exists();
    }

    @Test
    void anObjectReplacedWhileOpenFailsLoudlyInsteadOfMixingVersions() throws Exception {
        try (ArchiveStore store = store("replaced")) {
            store.put("h.itar", bytes(3 << 20, 7));
            try (ByteSource s = store.open("h.itar")) {
                assertThat(s.read(0, 100)).isEqualTo(java.util.Arrays.copyOf(bytes(3 << 20, 7), 100));
                store.put("h.itar", bytes(3 << 20, 8));
                assertThatThrownBy(() -> s.read(0, 100)).isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.getMessage()).startsWith("s3://" + bucket + "/replaced/h.itar: ")
                                .contains("replaced while it was being read"));
            }
        }
    }

    @Test
    void anEmptyObjectOpensAsNoBytesAndIsNotAnArchive() throws Exception {
        try (ArchiveStore store = store("empty")) {
            store.put("i.itar", new byte[0]);
            try (ByteSource s = store.open("i.itar")) {
                assertThat(s.size()).isZero();
                assertThatThrownBy(() -> IndexedTarReader.open(s))
                        .hasMessageStartingWith("s3://" + bucket + "/empty/i.itar: file of 0 bytes is too small");
            }
        }
    }

    @Test
    void aMissingObjectIsNotFound() throws Exception {
        try (ArchiveStore store = store("missing")) {
            assertThatThrownBy(() -> store.open("nothing.itar")).isInstanceOfSatisfying(StorageException.class, e -> {
                assertThat(e.reason()).isEqualTo(StorageException.Reason.NOT_FOUND);
                assertThat(e.getMessage()).startsWith("s3://" + bucket + "/missing/nothing.itar: cannot open: no such object");
            });
        }
    }

    @Test
    void anUnreachableEndpointIsRetryLater() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        S3Settings nowhere = S3.settings().withStore(URI.create("http://127.0.0.1:" + port), S3ProxyExtension.REGION,
                true, S3ProxyExtension.IDENTITY, S3ProxyExtension.CREDENTIAL);
        try (ArchiveStore store = ArchiveStores.open("s3://" + bucket + "/down", nowhere)) {
            assertThatThrownBy(() -> store.put("g.json", new byte[1])).isInstanceOfSatisfying(StorageException.class,
                    e -> {
                        assertThat(e.kind()).isEqualTo(StorageException.Kind.RETRY_LATER);
                        assertThat(e.reason()).isEqualTo(StorageException.Reason.UNREACHABLE);
                        assertThat(e.getMessage()).startsWith("s3://" + bucket + "/down/g.json: ").doesNotContain("\n");
                    });
        }
    }

    @FunctionalInterface
    interface StorageAction {
        void run() throws Exception;
    }
}
