package dev.itar.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes an indexed tar archive: one POSIX tar record per key, then two zero end blocks, the XZ/CBOR
 * index padded to 512 bytes, and the 512-byte index header block.
 *
 * <p>Every {@code zarr.json} key is held back and written exactly once at {@link #close()}, in its final
 * form; the root {@code zarr.json} is stored only as the consolidated, compressed root of the chosen
 * {@link RootDialect}. Other keys may be written once each. Output bytes are a pure function of the
 * calls made: tar headers carry mtime 0, mode 0644, uid/gid 0 and empty user/group names, exactly as
 * Python's {@code tarfile.TarInfo} defaults that ncore writes with.
 *
 * <p>The archive is written to a temporary file beside the target, forced to disk and atomically renamed
 * onto the target on a successful close; {@link #abort()} or a failed close leaves no file at the target.
 * Not thread-safe.
 */
public final class IndexedTarWriter implements Closeable {
    private static final int BLOCK = IndexHeader.BLOCK;
    /** Largest zarr.json we hold in memory; node metadata is kilobytes. */
    private static final long MAX_METADATA_BYTES = 256L * 1024 * 1024;

    private final Path target;
    private final RootDialect dialect;
    private final Path temp;
    private final FileChannel channel;
    /** Null unless digests were asked for: hashing costs more CPU than writing (archive benchmark 1240 -> 340 MB/s). */
    private final DigestingOutputStream digesting;
    private final CountingOutputStream counted;
    private FileDigests digests;
    private final TarArchiveOutputStream tar;
    private final Map<String, byte[]> deferred = new LinkedHashMap<>();
    private final List<IndexEntry> written = new ArrayList<>();
    private final Set<String> writtenKeys = new HashSet<>();
    private long payloadBytes;
    /** Reused copy buffer for streamed payloads (byte-array payloads are written without copying). */
    private final byte[] copyBuffer = new byte[64 * 1024];
    private State state = State.OPEN;

    private enum State { OPEN, FAILED, CLOSED, ABORTED }

    /** A writer for the default dialect, {@link RootDialect#PR68}. */
    public IndexedTarWriter(Path target) throws IOException {
        this(target, RootDialect.PR68);
    }

    public IndexedTarWriter(Path target, RootDialect dialect) throws IOException {
        this(target, dialect, false);
    }

    /**
     * @param digest compute sha256 and md5 of the archive while writing it, for {@link #digests()}
     */
    public IndexedTarWriter(Path target, RootDialect dialect, boolean digest) throws IOException {
        this.target = target.toAbsolutePath();
        this.dialect = dialect;
        Path dir = this.target.getParent();
        this.temp = Files.createTempFile(dir, "." + this.target.getFileName() + ".", ".partial");
        FileChannel ch = null;
        try {
            makeWorldReadable(temp);
            ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            this.channel = ch;
            // The file is written strictly sequentially, so digesting the stream on its way out gives the
            // file's digests without reading the finished archive back.
            OutputStream file = Channels.newOutputStream(ch);
            this.digesting = digest ? new DigestingOutputStream(file) : null;
            this.counted = new CountingOutputStream(new BufferedOutputStream(digest ? digesting : file, 1 << 20));
            // Record size 512: the end marker is exactly two zero blocks, no padding to 10240.
            this.tar = new TarArchiveOutputStream(counted, BLOCK, StandardCharsets.UTF_8.name());
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** Temp files are created owner-only; a finished archive is meant to be read by others (rw-r--r--). */
    private static void makeWorldReadable(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the platform default
        }
    }

    /** The file this writer produces on close. */
    public Path target() {
        return target;
    }

    public RootDialect dialect() {
        return dialect;
    }

    /**
     * Stores {@code payload} under {@code key}. zarr.json keys are deferred (last value wins); any other
     * key may be stored once.
     *
     * @throws IllegalArgumentException the key was already stored, is reserved, or is not a valid key
     */
    public void put(String key, byte[] payload) throws IOException {
        if (admit(key, payload.length)) {
            deferred.put(key, payload.clone());
            return;
        }
        writeData(key, payload.length, null, payload);
    }

    /**
     * Streams exactly {@code size} bytes from {@code payload} into the record for {@code key}.
     *
     * @throws IOException the stream ended early (the writer is then unusable and close() fails)
     */
    public void put(String key, long size, InputStream payload) throws IOException {
        if (admit(key, size)) {
            byte[] bytes = payload.readNBytes((int) size);
            if (bytes.length != size) {
                throw new IOException("payload for '" + key + "' ended after " + bytes.length + " of " + size
                        + " bytes");
            }
            deferred.put(key, bytes);
            return;
        }
        writeData(key, size, payload, null);
    }

    /** Validates a put; true if the key is node metadata to be deferred to close. */
    private boolean admit(String key, long size) {
        requireOpen();
        checkKey(key);
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size + " for key '" + key + "'");
        }
        if (ConsolidatedRoot.isMetadataKey(key)) {
            if (size > MAX_METADATA_BYTES) {
                throw new IllegalArgumentException("metadata key '" + key + "' of " + size + " bytes is too large");
            }
            return true;
        }
        if (key.equals(dialect.key())) {
            throw new IllegalArgumentException("key '" + key + "' is reserved: close() writes it from zarr.json");
        }
        if (writtenKeys.contains(key)) {
            throw new IllegalArgumentException("key '" + key
                    + "' was already written; only zarr.json keys may be set again in an indexed tar");
        }
        return false;
    }

    private void writeData(String key, long size, InputStream stream, byte[] bytes) throws IOException {
        try {
            writeRecord(key, size, stream, bytes);
        } catch (IOException | RuntimeException e) {
            state = State.FAILED;
            throw e;
        }
        payloadBytes += size;
    }

    /** Payload bytes of data records written so far (deferred metadata not included until close). */
    public long payloadBytes() {
        return payloadBytes;
    }

    /** One tar record; the payload comes from {@code bytes} if given, else from {@code payload}. */
    private void writeRecord(String key, long size, InputStream payload, byte[] bytes) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(key, true);
        entry.setSize(size);
        entry.setMode(0644); // Python tarfile writes the permission bits only: "0000644"
        entry.setModTime(0L);
        entry.setIds(0, 0);
        entry.setUserName("");
        entry.setGroupName("");
        tar.putArchiveEntry(entry);
        long offset = counted.count();
        if (offset % BLOCK != 0) {
            throw new IllegalStateException("tar header for '" + key + "' did not end on a block boundary");
        }
        byte[] buf = copyBuffer;
        long remaining = size;
        if (bytes != null) {
            tar.write(bytes, 0, bytes.length);
            remaining = 0;
        }
        while (remaining > 0) {
            int n = payload.read(buf, 0, (int) Math.min(buf.length, remaining));
            if (n < 0) {
                throw new IOException("payload for '" + key + "' ended after " + (size - remaining) + " of "
                        + size + " bytes");
            }
            tar.write(buf, 0, n);
            remaining -= n;
        }
        tar.closeArchiveEntry();
        written.add(new IndexEntry(key, offset, size));
        writtenKeys.add(key);
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
        if (key.startsWith("/") || key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("key '" + key.replace("\0", "\\0")
                    + "' must be relative and contain no NUL");
        }
    }

    private void requireOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("writer for " + target + " is " + state.name().toLowerCase());
        }
    }

    /**
     * Writes the deferred metadata, the end marker, the index and the header; forces the file to disk
     * and renames it onto the target. On failure nothing is left at the target and the exception is
     * rethrown. Calling close() again after success does nothing.
     */
    @Override
    public void close() throws IOException {
        if (state == State.CLOSED || state == State.ABORTED) {
            return;
        }
        if (state == State.FAILED) {
            abort();
            throw new IOException("archive " + target + " not written: an earlier write failed");
        }
        try {
            writeDeferred();
            tar.finish(); // exactly two zero blocks with record size 512
            long indexOffset = counted.count();
            if (indexOffset % BLOCK != 0) {
                throw new IllegalStateException("end marker did not end on a block boundary at " + indexOffset);
            }
            byte[] index = IndexCodec.encode(written);
            counted.write(index);
            counted.write(new byte[(int) (IndexCodec.padded(index.length) - index.length)]);
            counted.write(new IndexHeader(IndexHeader.TYPE_CBOR_XZ_V1, indexOffset, index.length).toBlock());
            counted.flush();
            FileDigests computed = digesting == null ? null : digesting.digests();
            channel.force(true);
            channel.close();
            moveIntoPlace();
            digests = computed;
            state = State.CLOSED;
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    /** Deferred zarr.json records, top-down by (number of '/', key); the root first, compressed. */
    private void writeDeferred() throws IOException {
        List<String> keys = ConsolidatedRoot.sortedForWrite(deferred.keySet());
        byte[] rootJson = deferred.get(ConsolidatedRoot.ROOT_KEY);
        if (rootJson != null) {
            writeRoot(keys, rootJson);
        }
        for (String k : keys) {
            if (!k.equals(ConsolidatedRoot.ROOT_KEY)) {
                byte[] v = deferred.get(k);
                writeRecord(k, v.length, null, v);
            }
        }
        deferred.clear();
    }

    private void writeRoot(List<String> keys, byte[] rootJson) throws IOException {
        ObjectNode root = parseObject(ConsolidatedRoot.ROOT_KEY, rootJson);
        Map<String, JsonNode> children = new LinkedHashMap<>();
        for (String k : keys) {
            if (!k.equals(ConsolidatedRoot.ROOT_KEY)) {
                children.put(ConsolidatedRoot.nodePath(k), parseObject(k, deferred.get(k)));
            }
        }
        byte[] compressed = ConsolidatedRoot.encode(dialect, ConsolidatedRoot.build(root, children));
        writeRecord(dialect.key(), compressed.length, null, compressed);
    }

    private static ObjectNode parseObject(String key, byte[] json) {
        JsonNode node;
        try {
            node = Cbor.parseJson(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("metadata '" + key + "' is not valid JSON: " + e.getMessage(), e);
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("metadata '" + key + "' is a JSON " + node.getNodeType()
                    + ", expected an object");
        }
        return (ObjectNode) node;
    }

    private void moveIntoPlace() throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot atomically rename " + temp + " onto " + target, e);
        }
        // Make the rename itself durable; not every platform lets a directory be opened for this.
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort
        }
    }

    /**
     * sha256 and md5 of the archive as written, equal to {@link FileDigests#of(Path)} of {@link #target()}
     * right after close, computed while writing so the archive need not be read back.
     *
     * @throws IllegalStateException the writer was not created to digest, or has not been closed successfully
     */
    public FileDigests digests() {
        if (digesting == null) {
            throw new IllegalStateException("writer for " + target + " was created without digests; "
                    + "use new IndexedTarWriter(target, dialect, true)");
        }
        if (state != State.CLOSED) {
            throw new IllegalStateException("digests of " + target + " are known only after a successful close; "
                    + "the writer is " + state.name().toLowerCase());
        }
        return digests;
    }

    /** Discards everything written; the target is left as it was. Safe to call more than once. */
    public void abort() {
        if (state == State.CLOSED || state == State.ABORTED) {
            return;
        }
        state = State.ABORTED;
        try {
            channel.close();
        } catch (IOException ignored) {
            // the file is deleted next; nothing to salvage
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a leftover temp file is hidden and never at the target
        }
    }

    /** Feeds every byte on its way to the file into sha256 and md5. */
    private static final class DigestingOutputStream extends FilterOutputStream {
        private final FileDigests.Accumulator acc = new FileDigests.Accumulator();

        DigestingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            acc.update(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            acc.update(b, off, len);
        }

        FileDigests digests() {
            return acc.finish();
        }
    }

    /** Counts bytes on their way to the file so payload offsets are known exactly. */
    private static final class CountingOutputStream extends FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        long count() {
            return count;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
