package dev.itar.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns the broker's and the ingest application's logging down to errors for the duration of a command
 * whose own progress output is the interface (the demo), and back afterwards. A no-op when the SLF4J
 * binding is not logback.
 */
final class QuietLogs {
    static final QuietLogs NONE = new QuietLogs(Map.of());

    private static final String[] LOGGERS = {"org.apache.kafka", "kafka", "state.change.logger", "dev.itar.ingest"};

    private final Map<Logger, Level> previous;

    private QuietLogs(Map<Logger, Level> previous) {
        this.previous = previous;
    }

    static QuietLogs apply() {
        Map<Logger, Level> previous = new LinkedHashMap<>();
        for (String name : LOGGERS) {
            if (LoggerFactory.getLogger(name) instanceof Logger logger) {
                previous.put(logger, logger.getLevel());
                logger.setLevel(Level.ERROR);
            }
        }
        return new QuietLogs(previous);
    }

    void restore() {
        previous.forEach(Logger::setLevel);
    }
}
