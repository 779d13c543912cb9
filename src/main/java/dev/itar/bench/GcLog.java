package dev.itar.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap as a child JVM's own garbage collector saw it: the JVM writes one line per collection
 * ({@code -Xlog:gc:file=F:tm}: wall-clock milliseconds, then e.g. {@code GC(3) Pause Young (Normal) (G1 Evacuation
 * Pause) 31M->12M(64M) 6.9ms}), and this reads it back. Watching from outside costs the measured process nothing,
 * and the heap in use peaks right before a collection and is what stays alive right after one.
 */
final class GcLog {
    /** One collection: heap in use before and after it, and the heap's size then, in MiB. */
    record Collection(long timeMillis, String what, long beforeMib, long afterMib, long capacityMib) {
    }

    /** Heap in use over a stretch of time. */
    record Window(int collections, long peakBeforeMib, long peakAfterMib) {
    }

    private static final Pattern LINE = Pattern.compile("^\\[(\\d+)ms\\] GC\\(\\d+\\) (.*?) ?"
            + "(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    private GcLog() {
    }

    /** The JVM options that make a child write the log this class reads. */
    static List<String> jvmOptions(Path file) {
        return List.of("-Xlog:gc:file=" + file + ":tm:filecount=0");
    }

    static List<Collection> read(Path file) throws IOException {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    static List<Collection> parse(List<String> lines) {
        List<Collection> out = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                out.add(new Collection(Long.parseLong(m.group(1)), m.group(2).trim(), mib(m.group(3), m.group(4)),
                        mib(m.group(5), m.group(6)), mib(m.group(7), m.group(8))));
            }
        }
        return out;
    }

    /** The collections logged in {@code [fromMillis, toMillis]}; peaks are -1 when there were none. */
    static Window window(List<Collection> collections, long fromMillis, long toMillis) {
        int n = 0;
        long before = -1;
        long after = -1;
        for (Collection c : collections) {
            if (c.timeMillis() >= fromMillis && c.timeMillis() <= toMillis) {
                n++;
                before = Math.max(before, c.beforeMib());
                after = Math.max(after, c.afterMib());
            }
        }
        return new Window(n, before, after);
    }

    private static long mib(String number, String unit) {
        long v = Long.parseLong(number);
        return switch (unit) {
            case "K" -> v / 1024;
            case "G" -> v * 1024;
            default -> v;
        };
    }
}
