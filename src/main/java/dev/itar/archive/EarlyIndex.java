package dev.itar.archive;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Executor;

/**
 * An archive's XZ/CBOR index compressed while its last member is still being produced. Only that member's size,
 * the index's very last value, depends on the member; so once its key and payload offset are known, everything
 * before the size is compressed, on another thread when one is free. {@link #complete} then adds the size.
 * The bytes are those of the index written afterwards, as long as the index is long enough for the compressor's
 * settings not to depend on the few bytes the size takes ({@link #start} declines otherwise).
 */
final class EarlyIndex implements Closeable {
    private static final int MEMORY = 2 << 20;

    private final SpillBuffer out;
    private final long lastOffset;
    private final List<MemberIndexFile.Entries> passes = new ArrayList<>();
    private final BesideTask<JsonGenerator> task;
    private boolean closed;

    private EarlyIndex(MemberIndexFile index, byte[] lastKey, long lastOffset, long lengthAtLeast, Path spillDir,
                       Executor beside) {
        this.out = new SpillBuffer(spillDir, MEMORY);
        this.lastOffset = lastOffset;
        long members = index.entries(); // the last member may be listed by the time this runs
        // started last: the executor's hand-over makes the fields above visible to the thread that runs it
        this.task = BesideTask.start(() -> {
            JsonGenerator gen = Cbor.generator(Compression.xzOutput(new NonClosingOutputStream(out), lengthAtLeast));
            Cbor.writeIndexBeforeLastSize(gen, members + 1, () -> pass(index, members, lastKey, lastOffset));
            return gen;
        }, beside);
    }

    /**
     * Starts compressing the index of {@code index}'s entries followed by {@code lastKey} at {@code lastOffset}
     * on {@code beside} (or later on the thread that completes it); null when the index is too short for that.
     */
    static EarlyIndex start(MemberIndexFile index, byte[] lastKey, long lastOffset, Executor beside, Path spillDir)
            throws IOException {
        long lengthAtLeast; // the last size counted as the one byte of a zero
        try (MemberIndexFile.Entries entries = index.read()) {
            lengthAtLeast = Cbor.indexLength(index.entries() + 1,
                    withLast(entries, index.entries(), new MemberIndexFile.Entry(lastKey, lastOffset, 0)));
        }
        if (lengthAtLeast < Compression.xzLengthIndependentFrom()) {
            return null;
        }
        return new EarlyIndex(index, lastKey, lastOffset, lengthAtLeast, spillDir, beside);
    }

    /**
     * The compressed index, given where the last member's payload really went and its size; null if not at the
     * offset it was started with (the caller then writes the index itself).
     */
    SpillBuffer complete(long offset, long size) throws IOException {
        JsonGenerator gen = task.join();
        if (offset != lastOffset) {
            gen.close();
            return null;
        }
        Cbor.writeIndexEnd(gen, size);
        gen.close(); // finishes the XZ stream into the spool
        return out;
    }

    /** Waits for the work if it runs elsewhere (so nothing it uses is closed under it), then frees its files. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        task.drop();
        try {
            for (MemberIndexFile.Entries p : passes) {
                p.close();
            }
        } finally {
            out.close();
        }
    }

    private Iterator<MemberIndexFile.Entry> pass(MemberIndexFile index, long members, byte[] lastKey, long lastOffset)
            throws IOException {
        MemberIndexFile.Entries entries = index.read();
        passes.add(entries);
        return withLast(entries, members, new MemberIndexFile.Entry(lastKey, lastOffset, 0));
    }

    /** The first {@code members} of {@code entries}, then {@code last}. */
    private static Iterator<MemberIndexFile.Entry> withLast(Iterator<MemberIndexFile.Entry> entries, long members,
                                                            MemberIndexFile.Entry last) {
        return new Iterator<>() {
            private long given;
            private boolean lastGiven;

            @Override
            public boolean hasNext() {
                return given < members || !lastGiven;
            }

            @Override
            public MemberIndexFile.Entry next() {
                if (given < members) {
                    given++;
                    return entries.next();
                }
                if (lastGiven) {
                    throw new NoSuchElementException();
                }
                lastGiven = true;
                return last;
            }
        };
    }
}
