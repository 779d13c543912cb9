package dev.itar.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Collection;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of the ingest pipeline, in a Micrometer registry of their own that the status endpoint serves as
 * Prometheus text (the application adds Kafka Streams' metrics to it, the endpoint the JVM's). Shared by all
 * stream threads of one application (Micrometer's meters are thread-safe). Counts are of processing attempts:
 * after a crash under exactly-once, records of the aborted transaction are processed, and counted, again.
 *
 * <p>Prometheus names: {@code itar_records_accepted_total{type}}, {@code itar_record_bytes_total},
 * {@code itar_dead_letters_total{code}}, {@code itar_duplicates_total}, {@code itar_seals_total{trigger}},
 * {@code itar_archive_bytes_total}, {@code itar_open_recordings}, {@code itar_seal_failures_total},
 * {@code itar_pending_seals}, {@code itar_restored_records_total{store}} and the timer
 * {@code itar_seal_duration_seconds} ({@code _count}, {@code _sum}, {@code _max}).
 */
public final class IngestMetrics {
    static final String RECORDS_ACCEPTED = "itar.records.accepted";
    static final String RECORD_BYTES = "itar.record.bytes";
    static final String DEAD_LETTERS = "itar.dead.letters";
    static final String DUPLICATES = "itar.duplicates";
    static final String SEALS = "itar.seals";
    static final String ARCHIVE_BYTES = "itar.archive.bytes";
    static final String OPEN_RECORDINGS = "itar.open.recordings";
    static final String SEAL_DURATION = "itar.seal.duration";
    static final String SEAL_FAILURES = "itar.seal.failures";
    static final String PENDING_SEALS = "itar.pending.seals";
    static final String RESTORED_RECORDS = "itar.restored.records";

    private final PrometheusMeterRegistry registry;
    private final Counter recordBytes;
    private final Counter duplicates;
    private final Counter archiveBytes;
    private final Timer sealDuration;
    private final Counter sealFailures;
    /** Segments ({@code <recording>/<segment>}) whose seal failed and waits for its retry → the last reason. */
    private final Map<String, String> pendingSeals = new ConcurrentHashMap<>();
    /** Held here: a gauge only keeps a weak reference to what it reads. */
    private final AtomicLong openRecordings = new AtomicLong();

    public IngestMetrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public IngestMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        this.recordBytes = Counter.builder(RECORD_BYTES).baseUnit("bytes")
                .description("Bytes of accepted record values.").register(registry);
        this.duplicates = Counter.builder(DUPLICATES)
                .description("Exact repeats of stored records (producer retries), ignored.").register(registry);
        this.archiveBytes = Counter.builder(ARCHIVE_BYTES).baseUnit("bytes")
                .description("Bytes of sealed archives written.").register(registry);
        this.sealDuration = Timer.builder(SEAL_DURATION)
                .description("Time to write one archive.").register(registry);
        Gauge.builder(OPEN_RECORDINGS, openRecordings, AtomicLong::get)
                .description("Recordings open (not yet sealed) in this instance.").register(registry);
        this.sealFailures = Counter.builder(SEAL_FAILURES)
                .description("Seal attempts that failed for a storage reason (each is retried).").register(registry);
        Gauge.builder(PENDING_SEALS, pendingSeals, Map::size)
                .description("Segments whose seal failed and waits for its retry (see /health).").register(registry);
    }

    /**
     * Gauges of the RocksDB budget {@code limitBytes} ({@link BoundedRocksDbMemory}): what its shared cache holds
     * now (blocks and memtables of every store) and the limit.
     */
    public void rocksDbMemory(long limitBytes) {
        Gauge.builder("itar.rocksdb.memory.used", () -> BoundedRocksDbMemory.usage(limitBytes)).baseUnit("bytes")
                .description("Off-heap memory of all RocksDB stores together (shared block cache with memtables).")
                .register(registry);
        Gauge.builder("itar.rocksdb.memory.limit", () -> limitBytes).baseUnit("bytes")
                .description("The RocksDB budget, rocksdb.memory.bytes.").register(registry);
    }

    /** The registry these meters are in, for more binders and for the exposition. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** A record of wire {@code type} was accepted into its recording. */
    public void recordAccepted(String type, long valueBytes) {
        Counter.builder(RECORDS_ACCEPTED).tag("type", type)
                .description("Wire records accepted into a recording, by wire type.").register(registry).increment();
        recordBytes.increment(valueBytes);
    }

    public void deadLetter(String code) {
        Counter.builder(DEAD_LETTERS).tag("code", code)
                .description("Records sent to the dead-letter topic, by reason code.").register(registry).increment();
    }

    public void duplicate() {
        duplicates.increment();
    }

    public void sealed(String trigger, long nanos, long bytes) {
        Counter.builder(SEALS).tag("trigger", trigger)
                .description("Archives sealed, by trigger (segment, end, idle-stream-time, idle-wall-clock).")
                .register(registry).increment();
        sealDuration.record(nanos, TimeUnit.NANOSECONDS);
        archiveBytes.increment(bytes);
    }

    /** A segment's seal failed; it stays pending and is retried. */
    void sealFailed(String recordingId, int segment, String reason) {
        sealFailures.increment();
        pendingSeals.put(recordingId + "/" + segment, reason);
    }

    /** A segment whose seal had failed is sealed now (or its task moved away). */
    void sealRecovered(String recordingId, int segment) {
        pendingSeals.remove(recordingId + "/" + segment);
    }

    /** {@code records} changelog records were restored into {@code store} for a task taken over. */
    void restored(String store, long records) {
        Counter.builder(RESTORED_RECORDS).tag("store", store)
                .description("Changelog records restored into a state store before a task taken over could process"
                        + " (a standby's updates are not counted).").register(registry).increment(records);
    }

    /** Changelog records restored into {@code store} so far (see {@link #restored}). */
    public long restoredRecords(String store) {
        return count(registry.find(RESTORED_RECORDS).tag("store", store).counters());
    }

    /** Segments ({@code <recording>/<segment>}) whose seal failed and waits for a retry, with the last reason. */
    public SortedMap<String, String> pendingSeals() {
        return new TreeMap<>(pendingSeals);
    }

    public long sealFailures() {
        return (long) sealFailures.count();
    }

    void openRecordingsChanged(long delta) {
        openRecordings.addAndGet(delta);
    }

    public long recordsAccepted(String type) {
        return count(registry.find(RECORDS_ACCEPTED).tag("type", type).counters());
    }

    public long recordsAccepted() {
        return count(registry.find(RECORDS_ACCEPTED).counters());
    }

    public long deadLetters(String code) {
        return count(registry.find(DEAD_LETTERS).tag("code", code).counters());
    }

    public long deadLetters() {
        return count(registry.find(DEAD_LETTERS).counters());
    }

    public long duplicates() {
        return (long) duplicates.count();
    }

    public long seals() {
        return count(registry.find(SEALS).counters());
    }

    public long sealNanosTotal() {
        return (long) sealDuration.totalTime(TimeUnit.NANOSECONDS);
    }

    public long archiveBytes() {
        return (long) archiveBytes.count();
    }

    public long openRecordings() {
        return openRecordings.get();
    }

    public long recordBytes() {
        return (long) recordBytes.count();
    }

    /** Accepted records by wire type. */
    public SortedMap<String, Long> recordsAcceptedByType() {
        return byTag(RECORDS_ACCEPTED, "type");
    }

    /** Dead letters by reason code. */
    public SortedMap<String, Long> deadLettersByCode() {
        return byTag(DEAD_LETTERS, "code");
    }

    /** Seals by trigger. */
    public SortedMap<String, Long> sealsByTrigger() {
        return byTag(SEALS, "trigger");
    }

    private SortedMap<String, Long> byTag(String name, String tag) {
        SortedMap<String, Long> out = new TreeMap<>();
        for (Counter c : registry.find(name).counters()) {
            out.merge(c.getId().getTag(tag), (long) c.count(), Long::sum);
        }
        return out;
    }

    private static long count(Collection<Counter> counters) {
        return (long) counters.stream().mapToDouble(Counter::count).sum();
    }

    /** For messages: every count. */
    @Override
    public String toString() {
        return "IngestMetrics[records accepted " + recordsAcceptedByType() + " (" + recordBytes() + " bytes), dead letters "
                + deadLettersByCode() + ", duplicates " + duplicates() + ", seals " + sealsByTrigger() + " ("
                + archiveBytes() + " bytes), open recordings " + openRecordings() + "]";
    }
}
