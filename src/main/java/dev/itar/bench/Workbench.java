package dev.itar.bench;

import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.kafka.EmbeddedKafkaBroker;
import dev.itar.kafka.TopicAdmin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a workload that runs the application in a child JVM is given: its directory, how to start the application,
 * the settings asked for on the command line ({@code --set}), and where progress goes.
 */
record Workbench(Path dir, IngestorCommand command, Map<String, String> settings, Consumer<String> progress) {
    /** Partitions of every workload's frames topic: one task for each of the two stream threads. */
    static final int PARTITIONS = 2;

    Workbench {
        settings = Map.copyOf(settings);
    }

    /** A broker of the workload's own, logs in {@code <dir>/kafka}. */
    EmbeddedKafkaBroker startBroker() {
        return EmbeddedKafkaBroker.builder().logDir(dir.resolve("kafka")).start();
    }

    /**
     * The settings of the workload's application, with its topics created: the shipped defaults, its own topics and
     * directories, a free status port on 127.0.0.1, two stream threads, {@link #PARTITIONS} partitions, then
     * {@code workload}'s settings, then those asked for on the command line.
     */
    Map<String, String> application(String name, EmbeddedKafkaBroker broker, Map<String, String> workload) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(IngestConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        m.put(IngestConfig.APPLICATION_ID, "bench-" + name);
        m.put(IngestConfig.TOPIC_FRAMES, name + "-frames");
        m.put(IngestConfig.TOPIC_DEAD_LETTERS, name + "-dlq");
        m.put(IngestConfig.TOPIC_SEALED, name + "-sealed");
        m.put(IngestConfig.TOPIC_PARTITIONS, Integer.toString(PARTITIONS));
        m.put(IngestConfig.TOPIC_REPLICATION_FACTOR, "1");
        m.put(IngestConfig.ARCHIVE_DIR, dir.resolve("archives").toAbsolutePath().toString());
        m.put(IngestConfig.STATE_DIR, dir.resolve("state").toAbsolutePath().toString());
        m.put(IngestConfig.HTTP_HOST, "127.0.0.1");
        m.put(IngestConfig.HTTP_PORT, Integer.toString(freePort()));
        m.put("num.stream.threads", "2");
        m.putAll(workload);
        m.putAll(settings);
        IngestConfig config = IngestConfig.of(m); // a bad --set fails here, naming the key, not in the child
        TopicAdmin.ensureTopics(broker.bootstrapServers(), new IngestApplication(config).topics());
        return m;
    }

    /** Starts the application as child {@code name} with {@code -Xmx<heapMib>m}. */
    IngestorProcess start(String name, Map<String, String> application, int heapMib) throws IOException {
        return IngestorProcess.start(command, name, dir, application, heapMib);
    }

    /** A port on 127.0.0.1 free now (for a further instance's status endpoint). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }
}
