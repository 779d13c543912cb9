package dev.itar.archive;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes an indexed tar archive: one POSIX tar member per key, each key at most once, in the order given; then,
 * on {@link #finish()}, the two zero end blocks, the XZ/CBOR index padded to 512 bytes and the 512-byte index
 * header. A plain container: what the keys mean is the caller's business.
 *
 * <p>Memory does not grow with the number of members: the index entries go to a member index file beside the
 * archive as members are written, and are streamed from it into the index at the end; keys are checked for
 * uniqueness against 64-bit hashes, and against the real keys only when a hash repeats.
 *
 * <p>Two ways to use it. {@link #create} writes a new archive to a temp file beside its target and moves it
 * into place when finished ({@link #close()} finishes, {@link #abort()} leaves nothing at the target).
 * {@link #resume} continues an archive under construction that lives in a file of its own across many sessions
 * (a recording being ingested): {@link #position()} after any member is a point to come back to, and
 * {@link #resume} at that position drops whatever was written after it; {@link #finish()} completes the archive
 * in that file.
 *
 * <p>Output bytes are a pure function of the calls made: tar headers carry mtime 0, mode 0644, uid/gid 0 and
 * empty user and group names, exactly as Python's {@code tarfile.TarInfo} defaults that ncore writes with.
 * Not thread-safe.
 */
public final class IndexedTarWriter implements Closeable {
    private static final int BLOCK = IndexHeader.BLOCK;
    /** Bytes of a last member ({@link #finish(String, MemberContent, Executor)}) held in memory before a temp file. */
    private static final int LAST_MEMBER_MEMORY = 2 << 20;
    static final String INDEX_SUFFIX = ".index";
    private static final byte[] ZEROS = new byte[BLOCK];

    private final Path file;
    /** Where {@link #finish()} moves the archive; null for a resumed archive, which stays in {@link #file}. */
    private final Path target;
    private final Path indexPath;
    private final FileChannel channel;
    private final CountingOutputStream counted;
    private LongConsumer written = length -> { };
    private final TarArchiveOutputStream tar;
    private final MemberIndexFile index;
    private final KeyHashSet keys = new KeyHashSet();
    private final byte[] copyBuffer = new byte[64 * 1024];
    private final PlainMemberHeader header = new PlainMemberHeader();
    private long finishedSize = -1;
    private State state = State.OPEN;

    private enum State { OPEN, FAILED, FINISHED, RELEASED, ABORTED }

    private IndexedTarWriter(Path file, Path target, ArchivePosition at) throws IOException {
        this.file = file;
        this.target = target;
        this.indexPath = file.resolveSibling(file.getFileName() + INDEX_SUFFIX);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        MemberIndexFile idx = null;
        try {
            if (ch.size() < at.bodyBytes()) {
                throw new IOException(file + ": archive under construction has " + ch.size()
                        + " bytes, fewer than the " + at.bodyBytes() + " it is resumed at");
            }
            ch.truncate(at.bodyBytes());
            ch.position(at.bodyBytes());
            idx = new MemberIndexFile(indexPath, at.indexBytes(), at.members());
            rememberKeys(idx);
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (idx != null) {
                idx.close();
            }
            throw e;
        }
        this.channel = ch;
        this.index = idx;
        this.counted = new CountingOutputStream(new BufferedOutputStream(
                new ReachingFile(new ChannelSlices(ch), at.bodyBytes()), 1 << 16), at.bodyBytes());
        // Record size 512: the end marker is exactly two zero blocks, no padding to 10240.
        this.tar = new TarArchiveOutputStream(counted, BLOCK, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    /** A new archive, written to a temp file beside {@code target} and moved onto it when finished. */
    public static IndexedTarWriter create(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path temp = AtomicFiles.createTemp(absolute);
        try {
            return new IndexedTarWriter(temp, absolute, ArchivePosition.START);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * Continues the archive under construction in {@code file} (created if absent) at {@code at}, dropping
     * anything written after it. Its member index lives beside it, in {@link #memberIndexOf(Path)}.
     *
     * @throws IOException also when the files are shorter than {@code at} says (they were lost or truncated)
     */
    public static IndexedTarWriter resume(Path file, ArchivePosition at) throws IOException {
        return new IndexedTarWriter(file, null, at);
    }

    /** The member index file that belongs to an archive under construction in {@code file}. */
    public static Path memberIndexOf(Path file) {
        return file.resolveSibling(file.getFileName() + INDEX_SUFFIX);
    }

    private void rememberKeys(MemberIndexFile idx) throws IOException {
        try (MemberIndexFile.Entries it = idx.read()) {
            while (it.hasNext()) {
                MemberIndexFile.Entry e = it.next();
                if (!keys.add(KeyHashSet.hash(e.keyUtf8())) && contains(idx, e.keyUtf8(), e.offset())) {
                    throw new IOException(indexPath + ": member index lists key '" + e.key() + "' twice");
                }
            }
        }
    }

    /**
     * Tells {@code listener}, on the writing thread, the file's length each time written bytes reach the file (a
     * reader of the file, such as a {@link FileDigester} following it, may then read up to there).
     */
    public void onWritten(LongConsumer listener) {
        written = listener;
    }

    /** The file the archive is being written to. */
    public Path file() {
        return file;
    }

    /** Stores {@code payload} under {@code key}. */
    public void put(String key, byte[] payload) throws IOException {
        write(key, payload.length, null, payload, 0);
    }

    /** Stores {@code length} bytes of {@code payload} from {@code offset} under {@code key}, without copying them first. */
    public void put(String key, byte[] payload, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, payload.length);
        write(key, length, null, payload, offset);
    }

    /** Streams exactly {@code size} bytes from {@code payload} into the member for {@code key}. */
    public void put(String key, long size, InputStream payload) throws IOException {
        write(key, size, payload, null, 0);
    }

    /**
     * Where the archive stands after the last complete member. Together with {@link #flush} it is a point
     * {@link #resume} can continue from.
     */
    public ArchivePosition position() {
        requireOpen();
        return new ArchivePosition(counted.count(), index.bytes(), index.entries());
    }

    /** Pushes everything written so far to the file system, and with {@code force} to the disk. */
    public void flush(boolean force) throws IOException {
        requireOpen();
        try {
            counted.flush();
            if (force) {
                channel.force(false);
            }
            index.flush(force);
        } catch (IOException e) {
            state = State.FAILED;
            throw e;
        }
    }

    /** Members written so far. */
    public long members() {
        return index.entries();
    }

    /** Writes one member; returns its payload's offset. */
    private long write(String key, long size, InputStream stream, byte[] bytes, int offset) throws IOException {
        requireOpen();
        byte[] k = checkKey(key);
        if (size < 0) {
            throw new IllegalArgumentException(file + ": negative size " + size + " for key '" + key + "'");
        }
        if (!keys.add(KeyHashSet.hash(k)) && contains(index, k, Long.MAX_VALUE)) {
            throw new DuplicateKeyException(file + ": key '" + key + "' was already written; each key may be "
                    + "written once in an indexed tar", key);
        }
        try {
            long at = writeMember(key, k, size, stream, bytes, offset);
            index.append(k, at, size);
            return at;
        } catch (IOException | RuntimeException e) {
            state = State.FAILED;
            throw e;
        }
    }

    /** Whether the member index lists {@code key} at an offset below {@code before}. */
    private static boolean contains(MemberIndexFile idx, byte[] key, long before) throws IOException {
        try (MemberIndexFile.Entries it = idx.read()) {
            while (it.hasNext()) {
                MemberIndexFile.Entry e = it.next();
                if (e.offset() < before && Arrays.equals(e.keyUtf8(), key)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * One tar member; returns the payload's offset. The payload comes from {@code bytes} if given. A plain member
     * is written here, header and padding included, with the same bytes commons-compress would write; only the
     * others (PAX headers) go through {@link #tar}. Between its members {@link #tar} holds no bytes of its own and
     * owes no padding (record size is block size), so what is written beside it does not disturb it.
     */
    private long writeMember(String key, byte[] keyUtf8, long size, InputStream payload, byte[] bytes, int from)
            throws IOException {
        if (PlainMemberHeader.fits(keyUtf8, size)) {
            counted.write(header.of(keyUtf8, size));
            long offset = requireBlockStart(key);
            copyPayload(key, size, payload, bytes, from, counted);
            int tail = (int) (size % BLOCK);
            if (tail != 0) {
                counted.write(ZEROS, 0, BLOCK - tail);
            }
            return offset;
        }
        TarArchiveEntry entry = new TarArchiveEntry(key, true);
        entry.setSize(size);
        entry.setMode(0644); // Python tarfile writes the permission bits only: "0000644"
        entry.setModTime(0L);
        entry.setIds(0, 0);
        entry.setUserName("");
        entry.setGroupName("");
        tar.putArchiveEntry(entry);
        long offset = requireBlockStart(key);
        copyPayload(key, size, payload, bytes, from, tar);
        tar.closeArchiveEntry();
        return offset;
    }

    private long requireBlockStart(String key) {
        long offset = counted.count();
        if (offset % BLOCK != 0) {
            throw new IllegalStateException("tar header for '" + key + "' did not end on a block boundary");
        }
        return offset;
    }

    private void copyPayload(String key, long size, InputStream payload, byte[] bytes, int from, OutputStream to)
            throws IOException {
        if (bytes != null) {
            to.write(bytes, from, (int) size);
            return;
        }
        long remaining = size;
        while (remaining > 0) {
            int n = payload.read(copyBuffer, 0, (int) Math.min(copyBuffer.length, remaining));
            if (n < 0) {
                throw new IOException("payload for '" + key + "' ended after " + (size - remaining) + " of "
                        + size + " bytes");
            }
            to.write(copyBuffer, 0, n);
            remaining -= n;
        }
    }

    private byte[] checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException(file + ": key must not be empty");
        }
        if (key.startsWith("/") || key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(file + ": key '" + key.replace("\0", "\\0")
                    + "' must be relative and contain no NUL");
        }
        byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MemberIndexFile.MAX_KEY_BYTES) {
            throw new IllegalArgumentException(file + ": key of " + utf8.length + " bytes is longer than "
                    + MemberIndexFile.MAX_KEY_BYTES);
        }
        return utf8;
    }

    private void requireOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("writer for " + file + " is " + state.name().toLowerCase());
        }
    }

    /**
     * Writes the end marker, the index and the header, and forces the file to disk; a new archive is then moved
     * onto its target. On failure a new archive leaves nothing at its target.
     *
     * @return the archive's size in bytes
     */
    public long finish() throws IOException {
        return finish((SpillBuffer) null);
    }

    /** What writes the bytes of an archive's last member, which may take a while to produce (compress, say). */
    @FunctionalInterface
    public interface MemberContent {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes one last member, {@code key}, with the bytes {@code content} writes, and finishes the archive: the
     * same bytes as {@link #put} of that content and then {@link #finish()}. Only the member's size, at the very
     * end of the index, depends on the content; so while the content is produced the rest of the index is
     * compressed on {@code beside} (see {@link EarlyIndex}), when the index is long enough and the member's tar
     * header a single block (so that its payload offset is known before it is written). {@code beside} may run
     * that at once, later or never: what has not started when it is needed runs on this thread.
     */
    public long finish(String key, MemberContent content, Executor beside) throws IOException {
        requireOpen();
        Path dir = file.toAbsolutePath().getParent();
        byte[] k = checkKey(key);
        EarlyIndex early = null;
        try (SpillBuffer last = new SpillBuffer(dir, LAST_MEMBER_MEMORY)) {
            // the payload follows a one-block header unless the size turns out not to fit it: complete() sees that
            if (PlainMemberHeader.fits(k, 0)) {
                early = EarlyIndex.start(index, k, counted.count() + BLOCK, beside, dir);
            }
            content.writeTo(new NonClosingOutputStream(last));
            long offset;
            try (InputStream in = last.open()) {
                offset = write(key, last.size(), in, null, 0);
            }
            SpillBuffer compressedIndex = early == null ? null : early.complete(offset, last.size());
            long size = finish(compressedIndex);
            closeQuietly(early);
            return size;
        } catch (IOException | RuntimeException e) {
            closeQuietly(early); // before the files it reads go
            abort();
            throw e;
        }
    }

    private static void closeQuietly(EarlyIndex early) {
        if (early != null) {
            try {
                early.close();
            } catch (IOException ignored) {
                // only its temp file, not the archive
            }
        }
    }

    /** {@link #finish()}, with the index already compressed into {@code compressedIndex} unless it is null. */
    private long finish(SpillBuffer compressedIndex) throws IOException {
        if (state == State.FINISHED) {
            return finishedSize;
        }
        if (state == State.FAILED) {
            abort();
            throw new IOException("archive " + file + " not written: an earlier write failed");
        }
        requireOpen();
        try {
            tar.finish(); // exactly two zero blocks with record size 512
            long indexOffset = counted.count();
            if (indexOffset % BLOCK != 0) {
                throw new IllegalStateException("end marker did not end on a block boundary at " + indexOffset);
            }
            if (compressedIndex == null) {
                writeIndex();
            } else {
                try (InputStream in = compressedIndex.open()) {
                    in.transferTo(counted);
                }
            }
            long indexSize = counted.count() - indexOffset;
            counted.write(new byte[(int) (IndexCodec.padded(indexSize) - indexSize)]);
            counted.write(new IndexHeader(IndexHeader.TYPE_CBOR_XZ_V1, indexOffset, indexSize).toBlock());
            counted.flush();
            channel.force(true);
            finishedSize = counted.count();
            channel.close();
            index.close();
            Files.deleteIfExists(indexPath);
            if (target != null) {
                AtomicFiles.moveIntoPlace(file, target);
            }
            state = State.FINISHED;
            return finishedSize;
        } catch (IOException | RuntimeException e) {
            state = State.FAILED;
            abort();
            throw e;
        }
    }

    /** The index, XZ-compressed straight into the archive from passes over the member index file. */
    private void writeIndex() throws IOException {
        long n = index.entries();
        long cborLength;
        try (MemberIndexFile.Entries it = index.read()) {
            cborLength = Cbor.indexLength(n, it);
        }
        List<MemberIndexFile.Entries> passes = new ArrayList<>();
        // the archive goes on after the index
        try (OutputStream xz = Compression.xzOutput(new NonClosingOutputStream(counted), cborLength);
             JsonGenerator gen = Cbor.generator(xz)) {
            Cbor.writeIndex(gen, n, () -> {
                MemberIndexFile.Entries pass = index.read();
                passes.add(pass);
                return pass;
            });
        } finally {
            for (MemberIndexFile.Entries pass : passes) {
                pass.close();
            }
        }
    }

    /**
     * A new archive ({@link #create}) is finished, as by {@link #finish()}. A resumed archive is left unfinished:
     * its handles are released and the files kept, to be resumed later.
     */
    @Override
    public void close() throws IOException {
        if (state == State.FINISHED || state == State.RELEASED || state == State.ABORTED) {
            return;
        }
        if (target != null) {
            finish();
            return;
        }
        try {
            if (state == State.OPEN) {
                counted.flush();
            }
        } finally {
            state = State.RELEASED;
            try {
                channel.close();
            } finally {
                index.close();
            }
        }
    }

    /**
     * Gives up. A new archive leaves nothing behind and nothing at its target; a resumed archive's files are kept
     * as they are (resume them at a known position). Safe to call more than once.
     */
    public void abort() {
        if (state == State.ABORTED || state == State.RELEASED || state == State.FINISHED) {
            return;
        }
        state = State.ABORTED;
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing after a failed write: the files are dealt with below
        }
        try {
            index.close();
        } catch (IOException ignored) {
            // as above
        }
        if (target != null) {
            try {
                Files.deleteIfExists(file);
                Files.deleteIfExists(indexPath);
            } catch (IOException ignored) {
                // a leftover temp file is hidden and never at the target
            }
        }
    }

    /**
     * Writes to the channel at most {@link #SLICE} bytes at a time. The JDK copies a heap buffer into a temporary
     * direct buffer of its whole remaining size for each write; above {@code jdk.nio.maxCachedBufferSize} that
     * buffer is allocated, zeroed and freed per write, which for multi-megabyte chunks cost more than the write
     * itself, and below it the thread keeps a buffer of the largest chunk. Slices use one small cached buffer
     * whatever the setting. Closing it leaves the channel open (the writer closes it).
     */
    private static final class ChannelSlices extends OutputStream {
        static final int SLICE = 256 * 1024;
        private final FileChannel channel;

        ChannelSlices(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int done = 0; done < len; ) {
                ByteBuffer slice = ByteBuffer.wrap(b, off + done, Math.min(SLICE, len - done));
                while (slice.hasRemaining()) {
                    done += channel.write(slice);
                }
            }
        }
    }

    /** The stream into the file itself, below the buffer: tells {@link #written} how long the file has become. */
    private final class ReachingFile extends FilterOutputStream {
        private long length;

        ReachingFile(OutputStream file, long length) {
            super(file);
            this.length = length;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            written.accept(++length);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            length += len;
            written.accept(length);
        }
    }

    /** Counts bytes on their way to the file, starting at the resumed length, so payload offsets are exact. */
    private static final class CountingOutputStream extends FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out, long start) {
            super(out);
            this.count = start;
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
