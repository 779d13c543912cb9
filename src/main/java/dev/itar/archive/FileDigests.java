package dev.itar.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The digests an archive is identified by: sha256 (sealed events, determinism checks) and md5 (ncore's sequence
 * meta). Both come from one streamed pass, so a large archive is read once and never held in memory.
 */
public record FileDigests(String sha256, String md5) {
    private static final int BUFFER = 1 << 16;

    /** sha256 and md5 of {@code file}, lower-case hex. */
    public static FileDigests of(Path file) throws IOException {
        Accumulator acc = new Accumulator();
        byte[] buf = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                acc.update(buf, 0, n);
            }
        }
        return acc.finish();
    }

    /** sha256 of {@code file}, lower-case hex. */
    public static String sha256(Path file) throws IOException {
        return of(file).sha256();
    }

    /** Both digests over bytes fed in order (a file read, or a file being written sequentially). */
    static final class Accumulator {
        private final MessageDigest sha = algorithm("SHA-256");
        private final MessageDigest md5 = algorithm("MD5");

        void update(byte[] b, int off, int len) {
            sha.update(b, off, len);
            md5.update(b, off, len);
        }

        /** The digests of everything fed so far; the accumulator is reset. */
        FileDigests finish() {
            return new FileDigests(HexFormat.of().formatHex(sha.digest()), HexFormat.of().formatHex(md5.digest()));
        }
    }

    private static MessageDigest algorithm(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK lacks " + name + ", which every Java SE platform must provide", e);
        }
    }
}
