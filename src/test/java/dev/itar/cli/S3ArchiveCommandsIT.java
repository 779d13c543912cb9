package dev.itar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.itar.Fixtures;
import dev.itar.archive.IndexedTarReader;
import dev.itar.kafka.KafkaBrokerExtension;
import dev.itar.storage.ArchiveStore;
import dev.itar.storage.ArchiveStores;
import dev.itar.storage.S3ProxyExtension;
import dev.itar.storage.TestArchives;
import dev.itar.zarr.ConsolidatedRoot;
import dev.itar.zarr.PyJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * inspect, verify, cat and publish on {@code s3://} URIs, as a user runs them: the shaded jar in a child process,
 * the store reached through {@code ITAR_S3_*} variables, against a real S3 server. Each gives what it gives for
 * the same archive as a local file; each failure is one line on stderr naming the URI, with a non-zero exit.
 */
class S3ArchiveCommandsIT {
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension();
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final String DRIVE = "drive-a.ncore4.zarr.itar";
    static String prefix;
    static Path sealed;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void upload() throws Exception {
        prefix = "s3://" + S3.bucket("cli") + "/fleet";
        sealed = TestArchives.cameraSequence(tmp, "cam-drive", 10, 200_000).archive(); // larger than the tail read
        try (ArchiveStore store = ArchiveStores.open(prefix, S3.settings())) {
            store.publish(Files.copy(Fixtures.DRIVE_A, tmp.resolve("a")), DRIVE);
            store.publish(Files.copy(sealed, tmp.resolve("b")), "cam-drive.ncore4.zarr.itar");
            byte[] noise = new byte[4096];
            new Random(1).nextBytes(noise);
            store.put("noise.zarr.itar", noise);
        }
    }

    record Run(int exit, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    static Run run(Map<String, String> env, String... args) throws Exception {
        Path jar = Path.of(System.getProperty("itar.jar", "target/itar-ingest.jar"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("ITAR_") || k.startsWith("AWS_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), out, new String(err.get(1, TimeUnit.MINUTES), StandardCharsets.UTF_8));
    }

    static Run run(String... args) throws Exception {
        return run(S3.environment(), args);
    }

    /** What every failure must look like: one line naming the URI, no stack trace, the given exit code. */
    static void assertOneLineError(Run r, int exit, String uri, String what) {
        assertThat(r.exit()).as(r.stderr()).isEqualTo(exit);
        assertThat(r.stderr().strip().lines().toList()).as(r.stderr()).singleElement().asString()
                .contains(uri).contains(what).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void inspectOfAStoredArchiveShowsWhatInspectOfTheFileShows() throws Exception {
        for (String name : List.of(DRIVE, "cam-drive.ncore4.zarr.itar")) {
            Path local = name.equals(DRIVE) ? Fixtures.DRIVE_A : sealed;
            Run remote = run("inspect", "--json", prefix + "/" + name);
            Run file = run("inspect", "--json", local.toString());
            assertThat(remote.exit()).as(remote.stderr()).isZero();
            Map<String, Object> r = PyJson.parseObject(remote.stdout());
            Map<String, Object> f = PyJson.parseObject(file.stdout());
            assertThat(r.remove("file")).isEqualTo(prefix + "/" + name);
            f.remove("file");
            assertThat(r).isEqualTo(f);
        }
    }

    @Test
    void verifyOfAStoredArchiveChecksItCompletely() throws Exception {
        Run r = run("verify", prefix + "/cam-drive.ncore4.zarr.itar");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.out().strip()).isEqualTo(prefix + "/cam-drive.ncore4.zarr.itar: OK");
    }

    @Test
    void catOfAStoredArchiveWritesTheKeysBytes() throws Exception {
        try (IndexedTarReader local = IndexedTarReader.open(sealed)) {
            String chunk = local.entries().get(0).key();
            for (String key : List.of(chunk, "zarr.json")) {
                Run r = run("cat", prefix + "/cam-drive.ncore4.zarr.itar", key);
                assertThat(r.exit()).as(r.stderr()).isZero();
                assertThat(r.stdout()).as(key).isEqualTo(ConsolidatedRoot.get(local, key).orElseThrow());
            }
        }
    }

    @Test
    void publishOfAStoredArchiveSendsTheRecordsPublishOfTheFileSends() throws Exception {
        Run remote = run("publish", prefix + "/" + DRIVE, "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topic", "from-s3");
        assertThat(remote.exit()).as(remote.stderr()).isZero();
        assertThat(remote.out()).startsWith("published " + prefix + "/" + DRIVE + " as recording 'drive-a'");
        Run file = run("publish", Fixtures.DRIVE_A.toString(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topic", "from-file");
        assertThat(file.exit()).as(file.stderr()).isZero();
        List<byte[]> fromFile = values("from-file", -1);
        assertThat(fromFile).isNotEmpty();
        List<byte[]> fromS3 = values("from-s3", fromFile.size());
        assertThat(fromS3).hasSameSizeAs(fromFile);
        for (int i = 0; i < fromFile.size(); i++) {
            assertThat(fromS3.get(i)).as("record " + i).isEqualTo(fromFile.get(i));
        }
    }

    /** Every value of {@code topic} (its one partition), in order; {@code expected} < 0: until a quiet poll. */
    private static List<byte[]> values(String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "s3-cli-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 32 << 20);
        List<byte[]> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int quiet = 0;
            while (System.nanoTime() < deadline && (expected < 0 ? quiet < 3 || out.isEmpty() : out.size() < expected)) {
                var records = c.poll(Duration.ofMillis(500));
                records.forEach(r -> out.add(r.value()));
                quiet = records.isEmpty() ? quiet + 1 : 0;
            }
        }
        return out;
    }

    @Test
    void aMissingBucketIsOneLineNamingTheUri() throws Exception {
        String uri = "s3://no-such-bucket/fleet/" + DRIVE;
        assertOneLineError(run("verify", uri), ArchiveExit.UNREADABLE, uri, "no such bucket");
        assertOneLineError(run("inspect", uri), ArchiveExit.UNREADABLE, uri, "no such bucket");
        assertOneLineError(run("publish", uri, "--bootstrap-servers", KAFKA.bootstrapServers()),
                ArchiveExit.UNREADABLE, uri, "no such bucket");
    }

    @Test
    void aMissingKeyIsOneLineNamingTheUri() throws Exception {
        String uri = prefix + "/missing.ncore4.zarr.itar";
        assertOneLineError(run("cat", uri, "zarr.json"), ArchiveExit.UNREADABLE, uri, "no such object");
    }

    @Test
    void rejectedCredentialsAreOneLineNamingTheUri() throws Exception {
        Map<String, String> env = new HashMap<>(S3.environment());
        env.put("ITAR_S3_SECRET_ACCESS_KEY", "wrong");
        String uri = prefix + "/" + DRIVE;
        assertOneLineError(run(env, "inspect", uri), ArchiveExit.UNREADABLE, uri, "access denied");
    }

    @Test
    void anObjectThatIsNotAnArchiveIsOneLineNamingTheUri() throws Exception {
        String uri = prefix + "/noise.zarr.itar";
        assertOneLineError(run("cat", uri, "zarr.json"), ArchiveExit.INVALID, uri, "not an indexed tar");
        assertOneLineError(run("verify", uri), ArchiveExit.INVALID, uri, "INVALID");
    }
}
