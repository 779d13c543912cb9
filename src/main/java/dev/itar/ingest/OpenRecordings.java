package dev.itar.ingest;

import dev.itar.ingest.StateRecords.RecordingHeader;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The recordings a running ingest instance holds open, read from its {@code recording-state} store by interactive
 * query (the local tasks of this instance only). For status pages and the rebuild report; reads only the small
 * RocksDB state (headers and frame fingerprints), never archive data.
 */
public final class OpenRecordings {
    /** Name of the queryable store with recording headers and frame entries. */
    public static final String STORE = RecordingStore.STATE;

    private OpenRecordings() {
    }

    /**
     * One open recording.
     *
     * @param framesPerSensor  frames per {@code <component>/<sensor>} in segments not sealed yet
     * @param chunkBytes       encoded chunk bytes of all frames accepted so far (what the archives' data take)
     * @param recordsByType    accepted records per wire type
     * @param firstTimestampMs smallest Kafka record timestamp of the recording
     * @param lastTimestampMs  largest Kafka record timestamp (the idle timeout counts from it)
     * @param ended            the recording is being sealed (an {@code end} arrived, or it went idle)
     */
    public record OpenRecording(String recordingId, String sequenceId, SortedMap<String, Long> framesPerSensor,
                                long chunkBytes, SortedMap<String, Long> recordsByType, long duplicates,
                                long deadLetters, long firstTimestampMs, long lastTimestampMs, boolean ended) {
        public OpenRecording {
            framesPerSensor = Collections.unmodifiableSortedMap(new TreeMap<>(framesPerSensor));
            recordsByType = Collections.unmodifiableSortedMap(new TreeMap<>(recordsByType));
        }
    }

    /**
     * The open recordings of this instance, sorted by id.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     *                                                                    (starting, rebalancing, stopped)
     */
    public static List<OpenRecording> query(KafkaStreams streams) {
        ReadOnlyKeyValueStore<Bytes, byte[]> store = streams.store(
                StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.<Bytes, byte[]>keyValueStore()));
        SortedMap<String, RecordingHeader> headers = new TreeMap<>();
        SortedMap<String, SortedMap<String, Long>> frames = new TreeMap<>();
        // every task's store in turn; a recording lives in exactly one task
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                String id = StoreKeys.recordingId(kv.key);
                if (StoreKeys.isHeader(kv.key)) {
                    headers.put(id, RecordingHeader.decode(kv.value, STORE + " header of recording '" + id + "'"));
                } else if (isFrame(kv.key, id)) {
                    String[] sensor = StoreKeys.frameSensor(kv.key);
                    frames.computeIfAbsent(id, k -> new TreeMap<>()).merge(sensor[0] + "/" + sensor[1], 1L, Long::sum);
                }
            }
        }
        List<OpenRecording> out = new ArrayList<>();
        headers.forEach((id, h) -> out.add(new OpenRecording(id, h.effectiveSequenceId(id),
                frames.getOrDefault(id, new TreeMap<>()), h.dataBytes(), h.records(), h.duplicates(),
                h.deadLetters(), h.firstTimestamp(), h.lastTimestamp(), h.isClosing())));
        return out;
    }

    /** {@code id 00 'f' 00 ...}: a frame entry. */
    private static boolean isFrame(Bytes key, String id) {
        byte[] b = key.get();
        int n = id.getBytes(StandardCharsets.UTF_8).length;
        return b.length > n + 2 && b[n] == StoreKeys.SEP && b[n + 1] == StoreKeys.FRAME.charAt(0)
                && b[n + 2] == StoreKeys.SEP;
    }
}
