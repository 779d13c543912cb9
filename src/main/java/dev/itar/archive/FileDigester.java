package dev.itar.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * sha256 and md5 of a file that grows by appending, taken a stretch at a time as it grows, so that when the
 * file is complete only its last stretch remains to be read. Thread-safe: one thread may advance it while
 * another finishes it.
 */
public final class FileDigester {
    /** Reads of this size keep the digests near their speed; a follower asks for a few tens of KB at a time. */
    private static final int BUFFER = 256 << 10;

    private final FileDigests.Accumulator acc = new FileDigests.Accumulator();
    private long position;
    /** One buffer for every stretch: a follower advances many times per second while a seal writes. */
    private ByteBuffer buf;

    /** Bytes digested so far. */
    public synchronized long position() {
        return position;
    }

    /** Digests {@code file} from where it got to up to {@code end} (nothing if it is already past it). */
    public synchronized void advanceTo(Path file, long end) throws IOException {
        if (end <= position) {
            return;
        }
        if (buf == null) {
            buf = ByteBuffer.allocate(BUFFER);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (position < end) {
                buf.clear().limit((int) Math.min(buf.capacity(), end - position));
                int n = ch.read(buf, position);
                if (n < 0) {
                    throw new IOException(file + ": ends at " + position + " bytes, expected at least " + end);
                }
                acc.update(buf.array(), 0, n);
                position += n;
            }
        }
    }

    /**
     * A listener for the writer of {@code file} ({@link IndexedTarWriter#onWritten}): the digests follow the file as
     * it grows, on {@code executor}, so that when the writer is done little is left to digest. A follower that falls
     * behind or cannot run leaves the rest to {@link #finish}.
     */
    public LongConsumer follower(Path file, Executor executor) {
        AtomicLong target = new AtomicLong();
        AtomicBoolean scheduled = new AtomicBoolean();
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable catchUp = new Runnable() {
            @Override
            public void run() {
                try {
                    advanceTo(file, target.get());
                } catch (IOException e) {
                    // the file moved on (published, cut back or dropped): finish() digests what it needs itself
                    stopped.set(true);
                } finally {
                    scheduled.set(false);
                }
                if (!stopped.get() && target.get() > position()) {
                    schedule(this, scheduled, executor);
                }
            }
        };
        return length -> {
            target.accumulateAndGet(length, Math::max);
            if (!stopped.get()) {
                schedule(catchUp, scheduled, executor);
            }
        };
    }

    private static void schedule(Runnable catchUp, AtomicBoolean scheduled, Executor executor) {
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(catchUp);
            } catch (RejectedExecutionException e) {
                scheduled.set(false); // shutting down: finish() digests the rest
            }
        }
    }

    /** The digests of the whole {@code file}, which is {@code size} bytes long; the digester is spent. */
    public synchronized FileDigests finish(Path file, long size) throws IOException {
        advanceTo(file, size);
        if (position != size) {
            throw new IOException(file + ": digested " + position + " bytes of a file of " + size);
        }
        buf = null;
        return acc.finish();
    }
}
