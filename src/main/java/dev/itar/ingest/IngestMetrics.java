package dev.itar.ingest;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the ingest pipeline, shared by all stream threads of one application (thread-safe). Counts are
 * of processing attempts: after a crash under exactly-once, records of the aborted transaction are processed,
 * and counted, again.
 */
public final class IngestMetrics {
    private final Map<String, LongAdder> recordsByType = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> deadLettersByCode = new ConcurrentHashMap<>();
    private final LongAdder duplicates = new LongAdder();
    private final Map<String, LongAdder> sealsByTrigger = new ConcurrentHashMap<>();
    private final LongAdder sealNanosTotal = new LongAdder();
    private final AtomicLong sealNanosMax = new AtomicLong();
    private final LongAdder archiveBytes = new LongAdder();
    private final LongAdder recordBytes = new LongAdder();
    private final AtomicLong openRecordings = new AtomicLong();
    private final LongAdder sealFailures = new LongAdder();
    private final Map<String, String> pendingSeals = new ConcurrentHashMap<>();

    /** A record of wire {@code type} was accepted into its recording. */
    public void recordAccepted(String type, long valueBytes) {
        recordsByType.computeIfAbsent(type, k -> new LongAdder()).increment();
        recordBytes.add(valueBytes);
    }

    public void deadLetter(String code) {
        deadLettersByCode.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    public void duplicate() {
        duplicates.increment();
    }

    public void sealed(String trigger, long nanos, long bytes) {
        sealsByTrigger.computeIfAbsent(trigger, k -> new LongAdder()).increment();
        sealNanosTotal.add(nanos);
        sealNanosMax.accumulateAndGet(nanos, Math::max);
        archiveBytes.add(bytes);
    }

    /** A segment's seal failed; it stays pending and is retried. */
    void sealFailed(String recordingId, int segment, String reason) {
        sealFailures.increment();
        pendingSeals.put(recordingId + "/" + segment, reason);
    }

    /** A segment whose seal had failed is sealed now. */
    void sealRecovered(String recordingId, int segment) {
        pendingSeals.remove(recordingId + "/" + segment);
    }

    /** Segments ({@code <recording>/<segment>}) whose seal failed and waits for a retry, with the last reason. */
    public SortedMap<String, String> pendingSeals() {
        return new TreeMap<>(pendingSeals);
    }

    public long sealFailures() {
        return sealFailures.sum();
    }

    void openRecordingsChanged(long delta) {
        openRecordings.addAndGet(delta);
    }

    public long recordsAccepted(String type) {
        LongAdder a = recordsByType.get(type);
        return a == null ? 0 : a.sum();
    }

    public long recordsAccepted() {
        return recordsByType.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long deadLetters(String code) {
        LongAdder a = deadLettersByCode.get(code);
        return a == null ? 0 : a.sum();
    }

    public long deadLetters() {
        return deadLettersByCode.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long duplicates() {
        return duplicates.sum();
    }

    public long seals() {
        return sealsByTrigger.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long sealNanosTotal() {
        return sealNanosTotal.sum();
    }

    public long sealNanosMax() {
        return sealNanosMax.get();
    }

    public long archiveBytes() {
        return archiveBytes.sum();
    }

    public long openRecordings() {
        return openRecordings.get();
    }

    /**
     * Every counter by a stable, Prometheus-style name (labels in braces), sorted; e.g.
     * {@code itar_records_accepted_total{type="camera"}}, {@code itar_dead_letters_total{code="bad-key"}}.
     */
    public SortedMap<String, Long> snapshot() {
        SortedMap<String, Long> m = new TreeMap<>();
        recordsByType.forEach((k, v) -> m.put("itar_records_accepted_total{type=\"" + k + "\"}", v.sum()));
        deadLettersByCode.forEach((k, v) -> m.put("itar_dead_letters_total{code=\"" + k + "\"}", v.sum()));
        sealsByTrigger.forEach((k, v) -> m.put("itar_seals_total{trigger=\"" + k + "\"}", v.sum()));
        m.put("itar_record_bytes_total", recordBytes.sum());
        m.put("itar_duplicates_total", duplicates.sum());
        m.put("itar_seal_nanoseconds_total", sealNanosTotal.sum());
        m.put("itar_seal_nanoseconds_max", sealNanosMax.get());
        m.put("itar_archive_bytes_total", archiveBytes.sum());
        m.put("itar_open_recordings", openRecordings.get());
        m.put("itar_seal_failures_total", sealFailures.sum());
        m.put("itar_pending_seals", (long) pendingSeals.size());
        return m;
    }
}
