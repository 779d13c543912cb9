package dev.itar.status;

import dev.itar.ingest.IngestMetrics;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders metrics in the Prometheus text exposition format 0.0.4: one {@code # HELP} and {@code # TYPE} line per
 * family, then its samples {@code name{label="value",...} number}. Families and samples are sorted, so equal
 * values give equal text.
 *
 * <p>Ours come from {@link IngestMetrics#snapshot()} ({@code itar_*}); the seal time, kept there in nanoseconds,
 * is exposed as a summary in seconds ({@code itar_seal_duration_seconds_sum/_count}) plus a
 * {@code itar_seal_duration_seconds_max} gauge. Kafka's are every numeric metric of the Streams client (and the
 * clients inside it), named {@code kafka_streams_<group>_<name>} with non-alphanumerics as {@code _} and the
 * metric's tags as labels; names ending in {@code _total} are counters (Kafka's cumulative sums), the rest gauges.
 */
public final class PrometheusText {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern SNAPSHOT_KEY = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([a-zA-Z_][a-zA-Z0-9_]*)=\"(.*)\"})?");
    private static final Pattern INVALID_NAME_CHARS = Pattern.compile("[^a-zA-Z0-9_]");

    private static final Map<String, String> HELP = Map.ofEntries(
            Map.entry("itar_seal_failures_total", "Seal attempts that failed for a storage reason (retried)."),
            Map.entry("itar_pending_seals", "Segments whose seal failed and waits for its retry (see /health)."),
            Map.entry("itar_records_accepted_total", "Wire records accepted into a recording, by wire type."),
            Map.entry("itar_dead_letters_total", "Records sent to the dead-letter topic, by reason code."),
            Map.entry("itar_seals_total", "Archives sealed, by trigger (segment, end, idle-stream-time, idle-wall-clock)."),
            Map.entry("itar_record_bytes_total", "Bytes of accepted record values."),
            Map.entry("itar_duplicates_total", "Exact repeats of stored records (producer retries), ignored."),
            Map.entry("itar_archive_bytes_total", "Bytes of sealed archives written."),
            Map.entry("itar_open_recordings", "Recordings open (not yet sealed) in this instance."),
            Map.entry("itar_seal_duration_seconds", "Time to write one archive, in seconds."),
            Map.entry("itar_seal_duration_seconds_max", "Longest time to write one archive, in seconds."));

    /** One family: type, help and its samples (sample line without the value → value text). */
    private record Family(String type, String help, SortedMap<String, String> samples) {
    }

    private final SortedMap<String, Family> families = new TreeMap<>();

    /** Adds ours. */
    public PrometheusText ingest(IngestMetrics metrics) {
        for (Map.Entry<String, Long> e : metrics.snapshot().entrySet()) {
            Matcher m = SNAPSHOT_KEY.matcher(e.getKey());
            if (!m.matches()) {
                continue; // not a name Prometheus accepts; IngestMetrics documents Prometheus-style names
            }
            String name = m.group(1);
            if (name.startsWith("itar_seal_nanoseconds")) {
                continue; // exposed in seconds below
            }
            String labels = m.group(2) == null ? "" : "{" + m.group(2) + "=\"" + escapeLabel(unescape(m.group(3))) + "\"}";
            String type = name.endsWith("_total") ? "counter" : "gauge";
            sample(name, type, HELP.getOrDefault(name, name), name + labels, Long.toString(e.getValue()));
        }
        // families with no sample yet still announce themselves, so dashboards see the metric exists
        for (String name : List.of("itar_records_accepted_total", "itar_dead_letters_total", "itar_seals_total")) {
            families.computeIfAbsent(name, n -> new Family("counter", HELP.get(n), new TreeMap<>()));
        }
        String summary = "itar_seal_duration_seconds";
        sample(summary, "summary", HELP.get(summary), summary + "_count", Long.toString(metrics.seals()));
        sample(summary, "summary", HELP.get(summary), summary + "_sum", number(metrics.sealNanosTotal() / 1e9));
        sample(summary + "_max", "gauge", HELP.get(summary + "_max"), summary + "_max",
                number(metrics.sealNanosMax() / 1e9));
        return this;
    }

    /** Adds every numeric Kafka metric. */
    public PrometheusText kafka(Map<MetricName, ? extends Metric> metrics) {
        // sorted first, so a name collision after sanitizing keeps the same one every time
        SortedMap<String, Map.Entry<MetricName, ? extends Metric>> sorted = new TreeMap<>();
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            sorted.put(e.getKey().group() + "\0" + e.getKey().name() + "\0" + new TreeMap<>(e.getKey().tags()), e);
        }
        for (Map.Entry<MetricName, ? extends Metric> e : sorted.values()) {
            Object value;
            try {
                value = e.getValue().metricValue();
            } catch (RuntimeException ex) {
                continue; // a metric whose client just closed
            }
            if (!(value instanceof Number n)) {
                continue;
            }
            MetricName mn = e.getKey();
            String name = sanitize("kafka_streams_" + mn.group() + "_" + mn.name());
            StringBuilder labels = new StringBuilder();
            for (Map.Entry<String, String> tag : new TreeMap<>(mn.tags()).entrySet()) {
                labels.append(labels.length() == 0 ? "{" : ",").append(sanitize(tag.getKey())).append("=\"")
                        .append(escapeLabel(tag.getValue())).append('"');
            }
            if (labels.length() > 0) {
                labels.append('}');
            }
            String help = mn.description() == null || mn.description().isBlank()
                    ? "Kafka metric " + mn.group() + " " + mn.name() : mn.description();
            String type = name.endsWith("_total") ? "counter" : "gauge";
            Family f = families.computeIfAbsent(name, k -> new Family(type, help, new TreeMap<>()));
            f.samples().putIfAbsent(name + labels, number(n.doubleValue()));
        }
        return this;
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Family> e : families.entrySet()) {
            Family f = e.getValue();
            sb.append("# HELP ").append(e.getKey()).append(' ').append(escapeHelp(f.help())).append('\n');
            sb.append("# TYPE ").append(e.getKey()).append(' ').append(f.type()).append('\n');
            f.samples().forEach((line, value) -> sb.append(line).append(' ').append(value).append('\n'));
        }
        return sb.toString();
    }

    private void sample(String family, String type, String help, String line, String value) {
        families.computeIfAbsent(family, k -> new Family(type, help, new TreeMap<>())).samples().put(line, value);
    }

    /** A metric or label name: characters outside [a-zA-Z0-9_] become '_', and it never starts with a digit. */
    static String sanitize(String name) {
        String s = INVALID_NAME_CHARS.matcher(name).replaceAll("_");
        return s.isEmpty() || Character.isDigit(s.charAt(0)) ? "_" + s : s;
    }

    /** Label values escape backslash, double quote and line feed. */
    static String escapeLabel(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** HELP text escapes backslash and line feed. */
    static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String unescape(String v) {
        return v.replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
    }

    /** Go's ParseFloat spellings: NaN, +Inf, -Inf; integral values without a fraction. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%s", v);
    }
}
