package dev.itar.status;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric families a {@code /metrics} query asks for: its {@code name[]} parameters, each a family name as
 * {@code /metrics} prints it after {@code # TYPE}. A counter's family is printed with {@code _total} but known to
 * the registry without it, so both spellings are asked for.
 */
final class MetricsQuery {
    private static final String NAME = "name[]";
    private static final String COUNTER_SUFFIX = "_total";

    private MetricsQuery() {}

    /** The names given, or none (then every family is wanted); other parameters are ignored, as Prometheus does. */
    static Set<String> names(String rawQuery) {
        Set<String> names = new TreeSet<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return names;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(NAME) && eq >= 0) {
                String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (!value.isEmpty()) {
                    names.add(value);
                    if (value.endsWith(COUNTER_SUFFIX)) {
                        names.add(value.substring(0, value.length() - COUNTER_SUFFIX.length()));
                    }
                }
            }
        }
        return names;
    }
}
