package dev.itar.ingest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StandbyUpdateListener;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What taking a task over costs, in the log and in {@code itar_restored_records_total{store}}: every restore of a
 * state store from its changelog before its task may process (offsets, records, time), and every standby promoted
 * (the changelog offset it had followed to: only the records after it are restored). Without a standby the
 * unsealed-archives store restores every chunk of every open segment of the task.
 */
final class ChangelogRestores implements StateRestoreListener, StandbyUpdateListener {
    private static final Logger LOG = LoggerFactory.getLogger(ChangelogRestores.class);

    private final IngestMetrics metrics;
    /** When each running restore (changelog partition and store) began, for its duration. */
    private final Map<String, Long> started = new ConcurrentHashMap<>();

    ChangelogRestores(IngestMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        started.put(partition + "/" + store, System.nanoTime());
        LOG.info("restoring store {} from {}: offsets {} to {}", store, partition, startingOffset, endingOffset);
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        metrics.restored(store, numRestored);
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        Long t0 = started.remove(partition + "/" + store);
        LOG.info("restored store {} from {}: {} records in {} ms", store, partition, totalRestored,
                t0 == null ? "?" : Long.toString((System.nanoTime() - t0) / 1_000_000));
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
        started.remove(partition + "/" + store);
        LOG.info("restore of store {} from {} suspended after {} records (the task moved)", store, partition,
                totalRestored);
    }

    @Override
    public void onUpdateStart(TopicPartition partition, String store, long startingOffset) {
        LOG.info("standby of store {} follows {} from offset {}", store, partition, startingOffset);
    }

    @Override
    public void onBatchLoaded(TopicPartition partition, String store, TaskId task, long batchEndOffset,
                              long batchSize, long currentEndOffset) {
        // a standby keeping up: counted by Kafka Streams' own update metrics, not a cost of taking over
    }

    @Override
    public void onUpdateSuspended(TopicPartition partition, String store, long storeOffset, long currentEndOffset,
                                  SuspendReason reason) {
        LOG.info("standby of store {} ({}) {} at offset {} of {}", store, partition,
                reason == SuspendReason.PROMOTED ? "promoted: only what follows is restored," : "moved away",
                storeOffset, currentEndOffset);
    }
}
