package dev.itar.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import dev.itar.files.FileTrees;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Apache Kafka broker (combined broker + controller) running inside this JVM,
 * listening on 127.0.0.1 only.
 *
 * <p>Used by the {@code demo} command's embedded default and by every integration test. Ports are picked
 * free at run time; the log dir is a temporary directory (deleted on {@link #close()}) unless one is given.
 * {@link #stop()} followed by {@link #restart()} brings the broker back on the same ports with the same
 * data, which is what broker-restart tests need.
 *
 * <p>The quorum is configured statically ({@code controller.quorum.voters}) rather than with
 * {@code --standalone}/{@code controller.quorum.bootstrap.servers}: a static voter set is not written
 * into the log dir, so a formatted log dir can be restarted on different ports (a retry after a
 * {@link BindException}, or a child broker started again on the same log dir).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** Large enough for a 16 MiB frame plus record-batch overhead and headers (DLQ adds a reason). */
    public static final int MAX_MESSAGE_BYTES = 20 * 1024 * 1024;

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    /** Bounded: a port picked free can be taken by someone else before the broker binds it. */
    private static final int BIND_ATTEMPTS = 5;

    private final Path logDir;
    private final boolean ownsLogDir;
    private final Map<String, String> extraProperties;
    private final boolean portGiven;
    private final boolean controllerPortGiven;
    private int port;
    private int controllerPort;
    private KafkaRaftServer server;
    private boolean closed;
    private long lastStartMillis;

    private EmbeddedKafkaBroker(Builder builder) throws IOException {
        if (builder.logDir != null) {
            this.logDir = builder.logDir.toAbsolutePath();
            this.ownsLogDir = false;
            Files.createDirectories(this.logDir);
        } else {
            this.logDir = Files.createTempDirectory("itar-kafka-");
            this.ownsLogDir = true;
        }
        this.extraProperties = Map.copyOf(builder.properties);
        this.port = builder.port;
        this.controllerPort = builder.controllerPort;
        this.portGiven = builder.port != 0;
        this.controllerPortGiven = builder.controllerPort != 0;
    }

    /** Starts a broker with a temporary log dir on free ports. */
    public static EmbeddedKafkaBroker start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** "127.0.0.1:port" of the PLAINTEXT listener. */
    public synchronized String bootstrapServers() {
        return HOST + ":" + port;
    }

    public synchronized int port() {
        return port;
    }

    public synchronized int controllerPort() {
        return controllerPort;
    }

    public Path logDir() {
        return logDir;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Wall-clock milliseconds the most recent start (format if needed + startup) took. */
    public synchronized long lastStartMillis() {
        return lastStartMillis;
    }

    /** Shuts the broker down cleanly (logs flushed), keeping ports and log dir for {@link #restart()}. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer s = server;
        server = null;
        long t0 = System.nanoTime();
        shutdown(s);
        LOG.info("Kafka broker on {} stopped in {} ms", bootstrapServers(), (System.nanoTime() - t0) / 1_000_000);
    }

    /** Starts the broker again on the same ports with the same log dir (stopping it first if running). */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("broker on " + logDir + " is closed; cannot restart it");
        }
        stop();
        startServer(true);
    }

    /** Stops the broker and deletes the log dir if it was a temporary one. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        if (ownsLogDir) {
            try {
                FileTrees.deleteRecursively(logDir);
            } catch (IOException e) {
                LOG.warn("Could not delete Kafka log dir {}: {}", logDir, e.toString());
            }
        }
    }

    @Override
    public synchronized String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers() + ", logDir=" + logDir + (server == null ? ", stopped" : "") + "]";
    }

    /**
     * @param keepPorts true on restart: the ports are what clients know, so retry binding them rather than move.
     */
    private void startServer(boolean keepPorts) {
        long t0 = System.nanoTime();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            // Ports given by the caller, and all ports on restart, are kept; picked ones are re-picked on retry.
            if (port == 0 || (!keepPorts && !portGiven && attempt > 1)) {
                port = freePort();
            }
            if (controllerPort == 0 || (!keepPorts && !controllerPortGiven && attempt > 1)) {
                controllerPort = freePort(port);
            }
            Map<String, String> props = serverProperties();
            formatIfNeeded(props);
            KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            try {
                // Returns once the broker is registered and unfenced, i.e. serves clients.
                s.startup();
                server = s;
                lastStartMillis = (System.nanoTime() - t0) / 1_000_000;
                LOG.info("Kafka broker started on {} (controller {}) with log dir {} in {} ms",
                        bootstrapServers(), controllerPort, logDir, lastStartMillis);
                return;
            } catch (RuntimeException e) {
                shutdown(s);
                if (!isBindFailure(e)) {
                    throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " with log dir "
                            + logDir + " failed to start: " + e.getMessage(), e);
                }
                last = e;
                LOG.warn("Kafka broker could not bind 127.0.0.1:{} or :{} (attempt {} of {}): {}",
                        port, controllerPort, attempt, BIND_ATTEMPTS, e.getMessage());
                if (keepPorts || portGiven || controllerPortGiven) {
                    // The old listener's socket may linger briefly; a short bounded back-off, not a sync.
                    backOff(attempt);
                }
            }
        }
        throw new IllegalStateException("Kafka broker could not bind its ports after " + BIND_ATTEMPTS
                + " attempts (last tried 127.0.0.1:" + port + ", controller :" + controllerPort + ")", last);
    }

    private Map<String, String> serverProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // Single node: internal topics cannot have more replicas than brokers.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.min.isr", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // One partition each: creating 50 on first group/transaction use costs seconds on a test machine.
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        p.put("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        // Kafka's own tests use 2 MiB; the 128 MiB default is heap a test JVM with several brokers lacks.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        p.put("num.partitions", "1");
        p.putAll(extraProperties);
        return p;
    }

    /** kafka-storage format --ignore-formatted: writes meta.properties and the bootstrap checkpoint once. */
    private void formatIfNeeded(Map<String, String> props) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Path config = null;
        try {
            config = Files.createTempFile("itar-kafka-format-", ".properties");
            Properties properties = new Properties();
            properties.putAll(props);
            try (var out = Files.newOutputStream(config)) {
                properties.store(out, "itar-ingest embedded broker (storage format)");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int rc;
            try (PrintStream ps = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                rc = StorageTool.execute(new String[] {
                        "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--ignore-formatted"},
                        ps);
            }
            if (rc != 0) {
                throw new IllegalStateException("Formatting Kafka log dir " + logDir + " failed (exit " + rc + "): "
                        + output.toString(StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Formatting Kafka log dir " + logDir + " failed", e);
        } finally {
            if (config != null) {
                try {
                    Files.deleteIfExists(config);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    private static void shutdown(KafkaRaftServer s) {
        try {
            s.shutdown();
            s.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Kafka broker shutdown reported an error: {}", e.toString());
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
            String m = t.getMessage();
            if (m != null && m.contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(100L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to re-bind Kafka broker ports", e);
        }
    }

    /** Binds port 0 on 127.0.0.1 to learn a free port, then releases it for the broker to bind. */
    static int freePort(int... avoid) {
        for (int i = 0; i < 10; i++) {
            int p;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                p = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port on " + HOST, e);
            }
            final int candidate = p;
            if (java.util.Arrays.stream(avoid).noneMatch(a -> a == candidate)) {
                return p;
            }
        }
        throw new IllegalStateException("no distinct free port found on " + HOST);
    }

    /** Options for a broker; {@link #start()} formats the log dir if needed and starts it. */
    public static final class Builder {
        private Path logDir;
        private int port;
        private int controllerPort;
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder() {
        }

        /** A log dir to use and keep (formatted on first use). Default: a temp dir deleted on close. */
        public Builder logDir(Path logDir) {
            this.logDir = Objects.requireNonNull(logDir, "logDir");
            return this;
        }

        /** PLAINTEXT port; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = checkPort(port, "port");
            return this;
        }

        /** CONTROLLER port; 0 (default) picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = checkPort(controllerPort, "controllerPort");
            return this;
        }

        /** A broker setting overriding the defaults (e.g. "log.retention.ms"). */
        public Builder property(String key, String value) {
            properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value for " + key));
            return this;
        }

        public Builder properties(Map<String, String> props) {
            props.forEach(this::property);
            return this;
        }

        // Package-private views for tests of argument parsing.
        Path logDirOption() {
            return logDir;
        }

        int portOption() {
            return port;
        }

        int controllerPortOption() {
            return controllerPort;
        }

        Map<String, String> propertiesOption() {
            return Map.copyOf(properties);
        }

        public EmbeddedKafkaBroker start() {
            EmbeddedKafkaBroker broker;
            try {
                broker = new EmbeddedKafkaBroker(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare Kafka log dir " + logDir, e);
            }
            try {
                broker.startServer(false);
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            return broker;
        }

        private static int checkPort(int p, String name) {
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException(name + " must be 0 (pick a free one) or 1..65535, was " + p);
            }
            return p;
        }
    }
}
