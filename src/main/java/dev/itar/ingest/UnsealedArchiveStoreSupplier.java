package dev.itar.ingest;

import dev.itar.storage.ArchiveStore;
import dev.itar.zarr.RootDialect;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Supplies each task's {@link UnsealedArchiveStore} and lets the task's processor find its own instance (Kafka
 * Streams hands processors the store behind its logging and metering wrappers, which only speak key-value).
 * Seals and background digests of all tasks share one executor.
 */
final class UnsealedArchiveStoreSupplier implements KeyValueBytesStoreSupplier {
    static final String NAME = "unsealed-archives";

    private final ArchiveStore archives;
    private final RootDialect dialect;
    private final ExecutorService executor;
    private final Supplier<ReferencedFrames.InputRecords> inputs;
    private final Map<TaskId, UnsealedArchiveStore> byTask = new ConcurrentHashMap<>();

    /** @param inputs makes each store's reader of the frames topic, for the frames its restores re-read */
    UnsealedArchiveStoreSupplier(ArchiveStore archives, RootDialect dialect, ExecutorService executor,
                                 Supplier<ReferencedFrames.InputRecords> inputs) {
        this.archives = archives;
        this.dialect = dialect;
        this.executor = executor;
        this.inputs = inputs;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public KeyValueStore<Bytes, byte[]> get() {
        return new UnsealedArchiveStore(NAME, archives, dialect, executor, s -> byTask.put(s.taskId(), s),
                inputs);
    }

    @Override
    public String metricsScope() {
        return "unsealed-archive";
    }

    /** The store of {@code task}, initialised before the task's processor is. */
    UnsealedArchiveStore storeOf(TaskId task) {
        UnsealedArchiveStore s = byTask.get(task);
        if (s == null || !s.isOpen()) {
            throw new IllegalStateException("no open " + NAME + " store for task " + task);
        }
        return s;
    }
}
