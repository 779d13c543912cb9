package dev.itar.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a child JVM's CPU went, by kind of thread: each thread's user + system time from Linux's
 * {@code /proc/<pid>/task/<tid>/stat}, named through {@code jcmd <pid> Thread.print} (its {@code nid} is the tid),
 * since the kernel keeps only 15 characters of a name. Threads the JVM does not know (RocksDB's) keep their
 * kernel name.
 */
final class ThreadCpu {
    /** Linux reports thread times in USER_HZ ticks, 100 per second on every architecture it exports them for. */
    private static final double TICKS_PER_SECOND = 100;
    private static final Pattern DUMP_THREAD = Pattern.compile("^\"(.*)\" .*\\bnid=(0x[0-9a-fA-F]+)", Pattern.MULTILINE);

    private ThreadCpu() {
    }

    /** CPU seconds per kind ({@link #kind}) of the threads of {@code pid} alive now. */
    static Map<String, Double> byKind(long pid) throws IOException, InterruptedException {
        Map<Long, String> names = javaThreadNames(Jcmd.run(pid, "Thread.print"));
        Map<String, Double> seconds = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                } catch (NoSuchFileException e) {
                    continue; // the thread ended meanwhile
                }
                long tid = Long.parseLong(task.getFileName().toString());
                String name = names.getOrDefault(tid, kernelName(stat));
                seconds.merge(kind(name), cpuSeconds(stat), Double::sum);
            }
        }
        return seconds;
    }

    static String kind(String threadName) {
        if (threadName.startsWith("kafka-producer-network-thread")) {
            return "producer"; // named after the stream thread it sends for
        }
        if (threadName.contains("-StreamThread-")) {
            return "stream";
        }
        if (threadName.startsWith("C1 CompilerThread") || threadName.startsWith("C2 CompilerThread")) {
            return "jit";
        }
        if (threadName.startsWith("itar-seal-")) {
            return "seal";
        }
        if (threadName.startsWith("GC Thread") || threadName.startsWith("G1 ")) {
            return "gc";
        }
        if (threadName.startsWith("rocksdb")) {
            return "rocksdb";
        }
        return "other";
    }

    /** tid → Java name, from a {@code Thread.print} dump. */
    static Map<Long, String> javaThreadNames(String dump) {
        Map<Long, String> names = new HashMap<>();
        Matcher m = DUMP_THREAD.matcher(dump);
        while (m.find()) {
            names.put(Long.decode(m.group(2)), m.group(1));
        }
        return names;
    }

    /** User + system seconds from a {@code /proc/.../stat} line (fields 14 and 15, counted after the name). */
    static double cpuSeconds(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state): utime is field 14, stime field 15
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }

    private static String kernelName(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }
}
