package dev.itar.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BesideTaskTest {
    @Test
    void workAnExecutorNeverRunsIsDoneByJoinOnce() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<Runnable> kept = new AtomicReference<>();
        BesideTask<String> t = BesideTask.start(() -> {
            runs.incrementAndGet();
            return Thread.currentThread().getName();
        }, kept::set);
        assertThat(t.join()).isEqualTo(Thread.currentThread().getName());
        kept.get().run(); // the executor getting to it late does not run it again
        assertThat(t.join()).isEqualTo(Thread.currentThread().getName());
        assertThat(runs).hasValue(1);
    }

    @Test
    void aRefusingExecutorLeavesTheWorkToJoin() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        pool.shutdown();
        assertThat(BesideTask.start(() -> 42, pool).join()).isEqualTo(42);
    }

    @Test
    void failuresAreThrownAsTheyWereThrown() {
        assertThatThrownBy(() -> BesideTask.start(() -> {
            throw new IOException("disk gone");
        }, Runnable::run).join()).isExactlyInstanceOf(IOException.class).hasMessage("disk gone");
        assertThatThrownBy(() -> BesideTask.start(() -> {
            throw new IllegalArgumentException("conflicting pose samples");
        }, r -> { }).join()).isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("conflicting pose samples");
    }

    @Test
    void droppedWorkNeverRunsAndWorkRunningElsewhereIsWaitedFor() throws Exception {
        AtomicReference<Runnable> kept = new AtomicReference<>();
        AtomicBoolean ran = new AtomicBoolean();
        BesideTask<Void> dropped = BesideTask.start(() -> {
            ran.set(true);
            return null;
        }, kept::set);
        dropped.drop();
        kept.get().run();
        assertThat(ran).isFalse();

        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch mayEnd = new CountDownLatch(1);
            AtomicBoolean ended = new AtomicBoolean();
            BesideTask<Void> running = BesideTask.start(() -> {
                started.countDown();
                mayEnd.await();
                ended.set(true);
                return null;
            }, pool);
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            AtomicBoolean endedWhenDropReturned = new AtomicBoolean();
            Thread dropper = new Thread(() -> {
                running.drop();
                endedWhenDropReturned.set(ended.get());
            });
            dropper.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (dropper.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(dropper.getState()).isEqualTo(Thread.State.WAITING); // drop waits while the work runs
            mayEnd.countDown();
            dropper.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(dropper.isAlive()).isFalse();
            assertThat(endedWhenDropReturned).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }
}
