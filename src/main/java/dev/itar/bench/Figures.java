package dev.itar.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * What one benchmark run found, in the order it is printed: per workload a {@code # title} line, its headline
 * figures, then their raw context (MB/s, seconds, bytes). Each line is {@code name value}; a figure that could not
 * be measured reads {@code name failed: why} (an ingestor that ran out of heap is a result, not a crash of the
 * benchmark).
 */
public final class Figures {
    private final List<String> lines = new ArrayList<>();
    private final Map<String, Double> values = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final Set<String> names = new HashSet<>();

    /** Starts a workload's block. */
    public Figures section(String title) {
        lines.add("# " + title);
        return this;
    }

    public Figures put(String name, double value) {
        requireNew(name);
        values.put(name, value);
        lines.add(name + " " + format(value));
        return this;
    }

    /** Every entry of {@code figures}, in its order. */
    public Figures putAll(Map<String, Double> figures) {
        figures.forEach(this::put);
        return this;
    }

    /** A figure this run could not measure, and why (one line). */
    public Figures fail(String name, String why) {
        requireNew(name);
        failures.put(name, why);
        lines.add(name + " failed: " + why.replace('\n', ' '));
        return this;
    }

    /** A line of context that is not a number, e.g. the command a figure was measured with. */
    public Figures note(String name, String text) {
        requireNew(name);
        lines.add(name + " " + text.replace('\n', ' '));
        return this;
    }

    /** Appends another run's lines (workloads are measured separately and printed together). */
    public Figures append(Figures other) {
        other.names.forEach(this::requireNew);
        lines.addAll(other.lines);
        values.putAll(other.values);
        failures.putAll(other.failures);
        return this;
    }

    public OptionalDouble value(String name) {
        Double v = values.get(name);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    public boolean failed(String name) {
        return failures.containsKey(name);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    private void requireNew(String name) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("figure " + name + " reported twice");
        }
    }

    /** Integers as integers; otherwise three decimals below 100, one above. */
    public static String format(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.3f", v);
    }
}
