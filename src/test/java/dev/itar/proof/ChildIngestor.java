package dev.itar.proof;

import dev.itar.cli.Main;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -cp <test classpath> dev.itar.cli.Main run --config FILE} as a child process, configured by a
 * properties file plus {@code ITAR_BOOTSTRAP_SERVERS} in its environment; its output is kept (last lines) for
 * failure messages.
 */
final class ChildIngestor implements AutoCloseable {
    private static final int KEEP_LINES = 200;

    private final Process process;
    private final Deque<String> tail = new ArrayDeque<>();
    private final Thread reader;

    private ChildIngestor(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > KEEP_LINES) {
                            tail.removeFirst();
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "child-ingestor-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Writes the settings (all but bootstrap.servers) to {@code configFile} and starts the child. */
    static ChildIngestor start(Map<String, String> settings, Path configFile) throws IOException {
        Properties p = new Properties();
        settings.forEach((k, v) -> {
            if (!k.equals("bootstrap.servers")) {
                p.setProperty(k, v);
            }
        });
        try (var out = Files.newOutputStream(configFile)) {
            p.store(out, "CrashSafetyIT child ingestor");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // `run` is the agreed entry point; while it is not registered in Main yet, RunCommand's own main is
        boolean registered = Main.commandLine().getSubcommands().containsKey("run");
        ProcessBuilder pb = registered
                ? new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                        "dev.itar.cli.Main", "run", "--config", configFile.toString())
                : new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                        "dev.itar.cli.RunCommand", "--config", configFile.toString());
        pb.redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("ITAR_"));
        pb.environment().put("ITAR_BOOTSTRAP_SERVERS", settings.get("bootstrap.servers"));
        Process process = pb.start();
        process.getOutputStream().close();
        return new ChildIngestor(process);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, then waits (bounded) for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("child ingestor survived SIGKILL for 30 s");
        }
    }

    /** The child's last output lines, for assertion messages. */
    String output() {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    /** SIGTERM to every child at once, then {@link #close} each: they stop side by side. */
    static void closeAll(java.util.Collection<ChildIngestor> children) throws InterruptedException {
        children.forEach(c -> c.process.toHandle().destroy());
        for (ChildIngestor c : children) {
            c.close();
        }
    }

    /** SIGTERM (clean stop), bounded; SIGKILL if it does not stop. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.toHandle().destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        reader.join(5000);
    }
}
