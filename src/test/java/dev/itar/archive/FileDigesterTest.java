package dev.itar.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDigesterTest {
    @TempDir
    Path dir;

    @Test
    void aFollowerDigestsTheArchiveAsItIsWrittenAndTheDigestsAreThoseOfTheWholeFile() throws Exception {
        Path target = dir.resolve("a.itar");
        FileDigester digester = new FileDigester();
        List<Long> lengths = new ArrayList<>();
        List<Long> digestedAtEachLength = new ArrayList<>();
        IndexedTarWriter w = IndexedTarWriter.create(target);
        LongConsumer follower = digester.follower(w.file(), Runnable::run); // runs on the writing thread here
        w.onWritten(length -> {
            lengths.add(length);
            follower.accept(length);
            digestedAtEachLength.add(digester.position());
        });
        for (int i = 0; i < 40; i++) {
            w.put("chunk/" + i, new byte[10_000 + i]);
        }
        long size = w.finish();

        assertThat(lengths).isNotEmpty().isSorted();
        assertThat(lengths.get(lengths.size() - 1)).isEqualTo(size);
        assertThat(digestedAtEachLength).isEqualTo(lengths);
        assertThat(digester.finish(target, size)).isEqualTo(FileDigests.of(target));
    }

    @Test
    void aFollowerStopsForGoodWhenTheFileIsNotThere() throws Exception {
        FileDigester digester = new FileDigester();
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        LongConsumer follower = digester.follower(dir.resolve("gone.itar"), r -> {
            runs.incrementAndGet();
            r.run();
        });
        follower.accept(1000);
        follower.accept(2000);
        assertThat(runs).hasValue(1); // no retry loop, and nothing scheduled after the first failure
        assertThat(digester.position()).isZero();
    }

    @Test
    void aFollowerThatCannotRunLeavesTheWholeFileToFinish() throws Exception {
        Path target = dir.resolve("b.itar");
        FileDigester digester = new FileDigester();
        Executor shutDown = r -> {
            throw new RejectedExecutionException("shut down");
        };
        IndexedTarWriter w = IndexedTarWriter.create(target);
        w.onWritten(digester.follower(w.file(), shutDown));
        w.put("only", new byte[200_000]);
        long size = w.finish();

        assertThat(digester.position()).isZero();
        assertThat(digester.finish(target, size)).isEqualTo(FileDigests.of(target));
    }
}
