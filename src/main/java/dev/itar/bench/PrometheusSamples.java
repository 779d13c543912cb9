package dev.itar.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** The sample lines of a Prometheus text exposition ({@code name{labels} value}), comments skipped. */
final class PrometheusSamples {
    private PrometheusSamples() {
    }

    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
                throw new IllegalArgumentException("not a Prometheus sample line: '" + line + "'");
            }
            String value = line.substring(space + 1).trim();
            out.put(line.substring(0, space).trim(), switch (value) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(value);
            });
        }
        return out;
    }

    /** The sum over every sample of metric {@code name}, whatever its labels (0 when there is none). */
    static double sum(Map<String, Double> samples, String name) {
        double sum = 0;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            String k = e.getKey();
            if (k.equals(name) || k.startsWith(name + "{")) {
                sum += e.getValue();
            }
        }
        return sum;
    }
}
