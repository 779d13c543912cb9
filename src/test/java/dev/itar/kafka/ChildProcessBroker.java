package dev.itar.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An {@link EmbeddedKafkaBroker} running in a child JVM ({@link Main}) on the current classpath (tests only), so a test can stop it with SIGTERM ({@link #stop()}) or kill it outright ({@link #kill()}) —
 * things an in-process broker cannot do to itself. Its log dir is kept; starting another child on the same
 * log dir (and ports) brings the data back.
 *
 * <p>The child's stderr (its logs) is inherited; its stdout is read for the ready line and then drained.
 * Its stdin stays open: when this JVM dies the pipe closes and the child shuts itself down.
 */
public final class ChildProcessBroker implements AutoCloseable {

    /** The line a child broker prints on stdout once it serves requests. */
    static final String READY_PREFIX = "BOOTSTRAP=";

    /** Formatting plus startup takes ~3 s here; a loaded CI machine gets generous headroom. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path logDir;
    private final String bootstrapServers;
    private final int controllerPort;

    private ChildProcessBroker(Process process, Path logDir, String bootstrapServers, int controllerPort) {
        this.process = process;
        this.logDir = logDir;
        this.bootstrapServers = bootstrapServers;
        this.controllerPort = controllerPort;
    }

    /** Starts a broker in a child JVM on free ports, with its log dir at {@code logDir} (kept). */
    public static ChildProcessBroker start(Path logDir) {
        return start(logDir, 0, 0, Map.of());
    }

    /** As {@link #start(Path)} but on given ports (0 = pick free), e.g. to come back where clients look. */
    public static ChildProcessBroker start(Path logDir, int port, int controllerPort) {
        return start(logDir, port, controllerPort, Map.of());
    }

    static ChildProcessBroker start(Path logDir, int port, int controllerPort, Map<String, String> props) {
        Path dir = logDir.toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka log dir " + dir, e);
        }
        // The controller port is ours to choose here so the caller can restart a child on the same ports.
        int cport = controllerPort != 0 ? controllerPort : EmbeddedKafkaBroker.freePort(port);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.add("--log-dir");
        command.add(dir.toString());
        command.add("--port");
        command.add(Integer.toString(port));
        command.add("--controller-port");
        command.add(Integer.toString(cport));
        props.forEach((k, v) -> {
            command.add("--prop");
            command.add(k + "=" + v);
        });
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch child Kafka broker: " + command.get(0), e);
        }
        try {
            String bootstrap = awaitReadyLine(process, dir);
            return new ChildProcessBroker(process, dir, bootstrap, cport);
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** Reads stdout lines until the ready line (bounded by {@link #READY_TIMEOUT}), then keeps draining it. */
    private static String awaitReadyLine(Process process, Path dir) {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!ready.isDone() && line.startsWith(READY_PREFIX)) {
                        ready.complete(line.substring(READY_PREFIX.length()).strip());
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("child Kafka broker for " + dir
                    + " closed its stdout before printing " + READY_PREFIX + "..."));
        }, "itar-kafka-child-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return ready.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("child Kafka broker for " + dir + " did not print "
                    + READY_PREFIX + "... within " + READY_TIMEOUT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            String exit = process.isAlive() ? "" : " (exit code " + process.exitValue() + ")";
            throw new IllegalStateException(e.getCause().getMessage() + exit, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for child Kafka broker for " + dir, e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public int port() {
        return Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path logDir() {
        return logDir;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM and wait for a clean shutdown (force-kills after {@link #STOP_TIMEOUT}); returns the exit code. */
    public int stop() {
        process.destroy();
        return awaitExit(STOP_TIMEOUT);
    }

    /** SIGKILL: the broker gets no chance to flush or shut down (crash tests). Returns the exit code. */
    public int kill() {
        process.destroyForcibly();
        return awaitExit(STOP_TIMEOUT);
    }

    /** Waits for the process to exit; returns its exit code, force-killing it if the wait times out. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Stops the child if still alive. Idempotent. The log dir is the caller's and is kept. */
    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    @Override
    public String toString() {
        return "ChildProcessBroker[pid " + process.pid() + ", " + bootstrapServers + ", logDir=" + logDir + "]";
    }

    /**
     * Entry point of a child-process broker: {@code --log-dir DIR [--port N] [--controller-port N]
     * [--prop key=value]...}. Prints {@code BOOTSTRAP=127.0.0.1:port} on stdout when ready; shuts down
     * cleanly on SIGTERM, and also when its stdin reaches end of file (the parent died), so no broker outlives
     * the test JVM that started it.
     */
    public static final class Main {
        private Main() {
        }

        public static void main(String[] args) throws Exception {
            EmbeddedKafkaBroker.Builder builder = parse(args);
            EmbeddedKafkaBroker broker = builder.start();
            CountDownLatch done = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                broker.close();
                done.countDown();
            }, "itar-kafka-shutdown"));
            System.out.println(READY_PREFIX + broker.bootstrapServers());
            System.out.flush();
            Thread stdinWatch = new Thread(() -> {
                try (InputStream in = System.in) {
                    while (in.read() >= 0) {
                        // ignore input; only end of file matters
                    }
                } catch (IOException ignored) {
                    // treat a broken stdin like end of file
                }
                System.exit(0);
            }, "itar-kafka-parent-watch");
            stdinWatch.setDaemon(true);
            stdinWatch.start();
            done.await();
        }

        static EmbeddedKafkaBroker.Builder parse(String[] args) {
            EmbeddedKafkaBroker.Builder b = EmbeddedKafkaBroker.builder();
            boolean haveLogDir = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--log-dir" -> {
                        b.logDir(Path.of(v));
                        haveLogDir = true;
                    }
                    case "--port" -> b.port(Integer.parseInt(v));
                    case "--controller-port" -> b.controllerPort(Integer.parseInt(v));
                    case "--prop" -> {
                        int eq = v.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--prop wants key=value, got '" + v + "'");
                        }
                        b.property(v.substring(0, eq), v.substring(eq + 1));
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + a
                            + "' (expected --log-dir, --port, --controller-port, --prop)");
                }
            }
            if (!haveLogDir) {
                throw new IllegalArgumentException("--log-dir is required");
            }
            return b;
        }
    }
}
