package dev.itar.ingest;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.Map;

/**
 * The ingest topology (Processor API):
 *
 * <pre>
 *  frames topic (raw bytes) ─▶ recording-processor ─┬─▶ dead-letter topic  (original bytes + itar.error.* headers)
 *                               │ stores:           └─▶ sealed topic       (one JSON event per archive)
 *                               │ recording-chunks   (encoded zarr chunks; no cache: values are large)
 *                               │ recording-state    (headers, frame entries, poses, intrinsics)
 *                               │ sealed-recordings  (ids of sealed recordings; stream time)
 * </pre>
 *
 * Keys and values stay bytes end to end, so a dead letter is exactly the record that came in. All three stores
 * are persistent (RocksDB) and changelogged, with changelog {@code max.message.bytes} raised so multi-megabyte
 * chunks fit.
 */
public final class IngestTopology {
    public static final String SOURCE = "frames-source";

    private IngestTopology() {
    }

    public static Topology build(IngestConfig config, IngestMetrics metrics) {
        Map<String, String> changelog = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(config.outputMaxMessageBytes()));
        StoreBuilder<KeyValueStore<Bytes, byte[]>> chunks = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(RecordingStore.CHUNKS), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingDisabled()
                .withLoggingEnabled(changelog);
        StoreBuilder<KeyValueStore<Bytes, byte[]>> state = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(RecordingStore.STATE), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled() // the header is rewritten by every record; the cache coalesces those writes
                .withLoggingEnabled(changelog);
        StoreBuilder<KeyValueStore<Bytes, byte[]>> sealed = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(RecordingStore.SEALED), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled()
                .withLoggingEnabled(Map.of());

        Topology t = new Topology();
        t.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), config.framesTopic());
        t.addProcessor(RecordingProcessor.NAME, () -> new RecordingProcessor(config.archiveDir(),
                config.archiveDialect(), config.recordingIdleTimeout(), config.idleCheckInterval(), metrics), SOURCE);
        t.addStateStore(chunks, RecordingProcessor.NAME);
        t.addStateStore(state, RecordingProcessor.NAME);
        t.addStateStore(sealed, RecordingProcessor.NAME);
        t.addSink(RecordingProcessor.DEAD_LETTER_SINK, config.deadLetterTopic(), new ByteArraySerializer(),
                new ByteArraySerializer(), RecordingProcessor.NAME);
        t.addSink(RecordingProcessor.SEALED_SINK, config.sealedTopic(), new ByteArraySerializer(),
                new ByteArraySerializer(), RecordingProcessor.NAME);
        return t;
    }
}
