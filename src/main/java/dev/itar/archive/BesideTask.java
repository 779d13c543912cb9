package dev.itar.archive;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Work handed to an executor that may run it at once, later or never (a pool busy with other seals, one shutting
 * down, or the caller's own thread): whoever needs the result and finds the work not started runs it, so waiting
 * for it can never wait on a pool that is full of waiters.
 */
public final class BesideTask<T> {
    private static final int NEW = 0;
    private static final int STARTED = 1;
    private static final int DROPPED = 2;

    private final AtomicInteger state = new AtomicInteger(NEW);
    private final CountDownLatch ended = new CountDownLatch(1);
    private final FutureTask<T> task;

    private BesideTask(Callable<T> work) {
        this.task = new FutureTask<>(() -> {
            if (!state.compareAndSet(NEW, STARTED)) {
                return null; // dropped before it started
            }
            try {
                return work.call();
            } finally {
                ended.countDown();
            }
        });
    }

    /** {@code work}, offered to {@code beside}. */
    public static <T> BesideTask<T> start(Callable<T> work, Executor beside) {
        BesideTask<T> t = new BesideTask<>(work);
        try {
            beside.execute(t.task);
        } catch (RejectedExecutionException e) {
            // shutting down: join() runs it
        }
        return t;
    }

    /**
     * The result: the work runs here unless it has started elsewhere (then this waits for it); its failure is
     * thrown as it was thrown. Not after {@link #drop()}.
     */
    public T join() throws IOException {
        task.run();
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for work done beside");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }

    /**
     * Drops the work: it never runs if it has not started; if it runs elsewhere, this waits for it to end, so that
     * what it uses may be released afterwards.
     */
    public void drop() {
        if (state.compareAndSet(NEW, DROPPED)) {
            return;
        }
        try {
            ended.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: what it uses goes anyway, its result is not wanted
        }
    }
}
