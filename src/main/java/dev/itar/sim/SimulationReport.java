package dev.itar.sim;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;

/**
 * What a {@link SimulatorProducer} run sent (all acknowledged by the broker).
 *
 * @param topic         where the records went
 * @param recordingIds  the recordings, in vehicle order
 * @param records       records sent
 * @param bytes         key + value bytes sent
 * @param recordsByType wire type → records
 * @param elapsed       wall time of the run, flush included
 */
public record SimulationReport(String topic, List<String> recordingIds, long records, long bytes,
                               SortedMap<String, Long> recordsByType, Duration elapsed) {

    public SimulationReport {
        recordingIds = List.copyOf(recordingIds);
        recordsByType = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(recordsByType));
    }

    /** A few lines for people: what went where, how much, how fast. */
    public String summary() {
        double seconds = Math.max(1e-3, elapsed.toNanos() / 1e9);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "sent %d records (%.1f MB) for %d recording(s) to topic %s in %.1f s"
                        + " (%.0f records/s, %.1f MB/s)%n", records, bytes / 1e6, recordingIds.size(), topic, seconds,
                records / seconds, bytes / 1e6 / seconds));
        out.append("  recordings: ").append(String.join(", ", recordingIds)).append(System.lineSeparator());
        out.append("  records by type:");
        recordsByType.forEach((type, count) -> out.append(' ').append(type).append('=').append(count));
        out.append(System.lineSeparator());
        return out.toString();
    }
}
