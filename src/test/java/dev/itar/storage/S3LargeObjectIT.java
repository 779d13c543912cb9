package dev.itar.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.itar.archive.ByteSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects of a few hundred MB go up with bounded heap: a child JVM with {@code -Xmx64m} streams one through
 * {@link ArchiveOutput} and publishes another from a local file; both read back equal. No timing is asserted.
 */
class S3LargeObjectIT {
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension();
    /** Several times the child's heap. */
    static final long BYTES = Long.getLong("s3.large.bytes", 300L << 20);
    static final String HEAP = "-Xmx64m";

    @TempDir
    Path tmp;

    @Test
    void aChildWithA64MiBHeapStreamsAndPublishesObjectsOfHundredsOfMegabytes() throws Exception {
        String location = "s3://" + S3.bucket("large") + "/big";
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-cp", System.getProperty("java.class.path"), S3UploadChild.class.getName(),
                "large", location, Long.toString(BYTES), tmp.toString()).redirectErrorStream(true);
        pb.environment().putAll(S3.environment()); // default parts: 8 MiB, two in flight
        Process child = pb.start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        List<String> lines = output.lines().toList();
        String streamed = value(lines, "STREAMED ");
        String published = value(lines, "PUBLISHED ");
        assertThat(lines).anyMatch(l -> l.startsWith("PUBLISHED ") && l.endsWith("local-file-left=false"));
        System.out.println("S3LargeObjectIT child: " + lines.stream().filter(l -> l.startsWith("HEAP")).findFirst()
                .orElse("(no heap line)"));

        try (ArchiveStore store = ArchiveStores.open(location, S3.settings())) {
            assertThat(sha256(store, "streamed.bin")).isEqualTo(streamed);
            assertThat(sha256(store, "published.bin")).isEqualTo(published);
        }
    }

    private static String value(List<String> lines, String prefix) {
        String line = lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + prefix + "in " + lines));
        return line.substring(prefix.length()).split(" ")[0];
    }

    /** Reads the object back in 8 MiB ranges. */
    private static String sha256(ArchiveStore store, String name) throws IOException {
        try (ByteSource s = store.open(name)) {
            assertThat(s.size()).isEqualTo(BYTES);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (long off = 0; off < s.size(); off += 8 << 20) {
                sha.update(s.read(off, (int) Math.min(8 << 20, s.size() - off)));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
