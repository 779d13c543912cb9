package dev.itar.storage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;

/**
 * A real S3 server for one test class: S3Proxy with its file system backend, in a child JVM started from its
 * self-contained jar (Maven copies it to {@code target/s3proxy/s3proxy.jar}; {@code -Ditar.s3proxy.jar} names
 * another), listening on a free 127.0.0.1 port, storing under a temporary directory, checking AWS signatures
 * against one identity.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final S3ProxyExtension S3 = new S3ProxyExtension();
 * ... ArchiveStores.open("s3://" + S3.bucket("b") + "/prefix", S3.settings()) ...
 * }</pre>
 */
public final class S3ProxyExtension implements BeforeAllCallback, AfterAllCallback {
    public static final String IDENTITY = "itar-test";
    public static final String CREDENTIAL = "itar-test-secret";
    public static final String REGION = "us-east-1";
    private static final long START_TIMEOUT_S = 60;

    private Process process;
    private Path dataDir;
    private Path log;
    private URI endpoint;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dataDir = Files.createTempDirectory("itar-s3proxy-");
        Path blobs = Files.createDirectories(dataDir.resolve("blobs"));
        log = dataDir.resolve("s3proxy.log");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        endpoint = URI.create("http://127.0.0.1:" + port);
        Path properties = dataDir.resolve("s3proxy.properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + IDENTITY,
                "s3proxy.credential=" + CREDENTIAL,
                "jclouds.provider=filesystem-nio2",
                "jclouds.identity=" + IDENTITY, // the backend's own login, unused by a local directory
                "jclouds.credential=" + CREDENTIAL,
                "jclouds.filesystem.basedir=" + blobs,
                ""));
        Path jar = Path.of(System.getProperty("itar.s3proxy.jar", "target/s3proxy/s3proxy.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Proxy jar " + jar + " is missing: mvn generate-test-resources copies it");
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString(), "--properties", properties.toString())
                .redirectErrorStream(true);
        pb.environment().put("LOG_LEVEL", "info"); // "Started Server" is how we know it serves
        process = pb.start();
        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread drain = new Thread(() -> drain(started), "s3proxy-log");
        drain.setDaemon(true);
        drain.start();
        try {
            started.get(START_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            afterAll(context);
            throw new IllegalStateException("S3Proxy did not start within " + START_TIMEOUT_S + " s; log: " + log, e);
        }
    }

    /** Copies the child's output to its log and completes {@code started} when Jetty says it serves. */
    private void drain(CompletableFuture<Void> started) {
        List<String> head = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); var out = Files.newBufferedWriter(log)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
                if (head.size() < 200) {
                    head.add(line);
                }
                if (line.contains("Started Server")) {
                    started.complete(null);
                }
            }
        } catch (IOException e) {
            started.completeExceptionally(e);
        }
        started.completeExceptionally(new IllegalStateException("S3Proxy exited before serving:\n"
                + String.join("\n", head)));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
            process = null;
        }
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            dataDir = null;
        }
    }

    public URI endpoint() {
        if (endpoint == null) {
            throw new IllegalStateException("S3Proxy is not running: register S3ProxyExtension as a static "
                    + "@RegisterExtension field");
        }
        return endpoint;
    }

    /** Settings that reach this server with its one identity (path-style, static credentials). */
    public S3Settings settings() {
        return S3Settings.defaults().withStore(endpoint(), REGION, true, IDENTITY, CREDENTIAL);
    }

    /** The {@code ITAR_S3_*} variables a child process needs to reach this server. */
    public java.util.Map<String, String> environment() {
        return java.util.Map.of("ITAR_S3_ENDPOINT", endpoint().toString(), "ITAR_S3_REGION", REGION,
                "ITAR_S3_PATH_STYLE", "true", "ITAR_S3_ACCESS_KEY_ID", IDENTITY,
                "ITAR_S3_SECRET_ACCESS_KEY", CREDENTIAL);
    }

    /** A client for the test's own checks (listing uploads, reading objects back). */
    public S3Client client() throws StorageException {
        return S3Clients.create(settings(), endpoint().toString());
    }

    /** Creates {@code bucket} and returns its name. */
    public String bucket(String bucket) throws StorageException {
        try (S3Client c = client()) {
            c.createBucket(CreateBucketRequest.builder().bucket(bucket).build());
        }
        return bucket;
    }
}
