package dev.itar.ingest;

import dev.itar.storage.ArchiveStore;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ingest topology (Processor API):
 *
 * <pre>
 *  frames topic (raw bytes) ─▶ recording-processor ─┬─▶ dead-letter topic  (original bytes + itar.error.* headers)
 *                               │ stores:           └─▶ sealed topic       (one JSON event per archive)
 *                               │ unsealed-archives  (each open segment's archive under construction; files)
 *                               │ recording-state    (headers, fingerprints, static poses, intrinsics; RocksDB)
 *                               │ sealed-recordings  (what was sealed; stream time; RocksDB)
 * </pre>
 *
 * Keys and values stay bytes end to end, so a dead letter is exactly the record that came in. All three stores
 * are persistent and changelogged, with changelog {@code max.message.bytes} raised so multi-megabyte frames fit.
 */
public final class IngestTopology {
    public static final String SOURCE = "frames-source";

    /**
     * How long a restore waits for one frame it re-reads from the frames topic before it fails naming it: as long
     * as Kafka Streams waits for a broker's answer by default.
     */
    private static final Duration FRAME_READ_TIMEOUT = Duration.ofMinutes(1);

    private IngestTopology() {
    }

    /** The threads that seal segments and digest archives in the background, for {@link #build}. */
    public static ExecutorService sealExecutor() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "itar-seal-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param sealExecutor where segments are sealed; the caller shuts it down after the Streams client closed
     * @param archives where sealed archives are published; the caller closes it after the Streams client closed
     */
    public static Topology build(IngestConfig config, IngestMetrics metrics, ExecutorService sealExecutor,
                                 ArchiveStore archives) {
        Map<String, String> changelog = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(config.outputMaxMessageBytes()));
        UnsealedArchiveStoreSupplier unsealedStores = new UnsealedArchiveStoreSupplier(archives,
                config.archiveDialect(), sealExecutor, () -> new InputTopicReader(
                        () -> new KafkaConsumer<>(config.inputReaderProperties(), new ByteArrayDeserializer(),
                                new ByteArrayDeserializer()),
                        config.framesTopic(), FRAME_READ_TIMEOUT));
        StoreBuilder<KeyValueStore<Bytes, byte[]>> unsealed = Stores.keyValueStoreBuilder(unsealedStores,
                        Serdes.Bytes(), Serdes.ByteArray())
                .withCachingDisabled() // values are whole frames, appended to files as they come
                .withLoggingEnabled(changelog);
        StoreBuilder<KeyValueStore<Bytes, byte[]>> state = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(RecordingStore.STATE), Serdes.Bytes(), Serdes.ByteArray())
                // no record cache: a cached entry keeps the raw input record it came from (for Streams' error
                // handlers), and the header is rewritten by every record, so the cache would pin whole frames
                .withCachingDisabled()
                .withLoggingEnabled(changelog);
        StoreBuilder<KeyValueStore<Bytes, byte[]>> sealed = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(RecordingStore.SEALED), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingDisabled()
                .withLoggingEnabled(Map.of());

        Topology t = new Topology();
        t.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), config.framesTopic());
        t.addProcessor(RecordingProcessor.NAME, () -> new RecordingProcessor(archives, config.segmentPolicy(),
                config.recordingIdleTimeout(), config.idleCheckInterval(), config.sealRetryInitial(),
                config.sealRetryMax(), metrics, unsealedStores), SOURCE);
        t.addStateStore(unsealed, RecordingProcessor.NAME);
        t.addStateStore(state, RecordingProcessor.NAME);
        t.addStateStore(sealed, RecordingProcessor.NAME);
        t.addSink(RecordingProcessor.DEAD_LETTER_SINK, config.deadLetterTopic(), new ByteArraySerializer(),
                new ByteArraySerializer(), RecordingProcessor.NAME);
        t.addSink(RecordingProcessor.SEALED_SINK, config.sealedTopic(), new ByteArraySerializer(),
                new ByteArraySerializer(), RecordingProcessor.NAME);
        return t;
    }
}
