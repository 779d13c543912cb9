package dev.itar.proof;

import dev.itar.archive.FileDigests;
import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.sim.SimRecord;
import dev.itar.sim.SimulatorConfig;
import dev.itar.sim.VehicleSimulator;
import dev.itar.zarr.Node;
import dev.itar.zarr.ZarrArchiveReader;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared pieces of the proof ITs: configurations, clients, bounded waits, archive facts. */
final class ProofKit {
    static final Duration WAIT = Duration.ofSeconds(90);

    private ProofKit() {
    }

    /** Ingest settings for a proof run: own topics (prefix), one partition, idle sealing effectively off. */
    static Map<String, String> settings(String bootstrap, String prefix, String applicationId, Path archives,
                                        Path state) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(IngestConfig.BOOTSTRAP_SERVERS, bootstrap);
        m.put(IngestConfig.APPLICATION_ID, applicationId);
        m.put(IngestConfig.TOPIC_FRAMES, prefix + "-frames");
        m.put(IngestConfig.TOPIC_DEAD_LETTERS, prefix + "-dlq");
        m.put(IngestConfig.TOPIC_SEALED, prefix + "-sealed");
        m.put(IngestConfig.TOPIC_PARTITIONS, "1");
        m.put(IngestConfig.TOPIC_REPLICATION_FACTOR, "1");
        m.put(IngestConfig.ARCHIVE_DIR, archives.toString());
        m.put(IngestConfig.STATE_DIR, state.toString());
        m.put(IngestConfig.RECORDING_IDLE_TIMEOUT_MS, "3600000");
        m.put(IngestConfig.RECORDING_IDLE_CHECK_INTERVAL_MS, "60000");
        m.put("commit.interval.ms", "100");
        m.put("consumer.session.timeout.ms", "6000");
        m.put("consumer.heartbeat.interval.ms", "1000");
        // no status endpoint: its default port is fixed, and anything else on the machine may hold it
        m.put(IngestConfig.HTTP_PORT, "-1");
        // a killed instance's open transaction must not hold read_committed readers for the default 5 minutes
        m.put("producer.transaction.timeout.ms", "30000");
        return m;
    }

    static IngestConfig config(Map<String, String> settings) {
        return IngestConfig.of(settings);
    }

    /** A deterministic simulator recording: 1 vehicle, default sensors, {@code seconds} of sensor time. */
    static VehicleSimulator simulator(String prefix, double seconds, long seed) {
        return new VehicleSimulator(SimulatorConfig.builder().recordingPrefix(prefix).durationSeconds(seconds)
                .seed(seed).build());
    }

    static List<SimRecord> records(VehicleSimulator sim) {
        List<SimRecord> out = new ArrayList<>();
        for (Iterator<SimRecord> it = sim.records(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 17 * 1024 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends every record and waits for all acknowledgements. */
    static void sendAll(KafkaProducer<byte[], byte[]> producer, String topic, List<SimRecord> records) {
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        for (SimRecord r : records) {
            acks.add(producer.send(new ProducerRecord<>(topic, r.recordingId().getBytes(StandardCharsets.UTF_8),
                    r.value())));
        }
        producer.flush();
        for (java.util.concurrent.Future<?> f : acks) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot produce to " + topic, e.getCause());
            }
        }
    }

    /** A consumer of {@code topic} from the beginning; read_committed sees only committed outputs. */
    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String topic, boolean readCommitted) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "proof-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 18 * 1024 * 1024);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    /** Polls until {@code n} records arrived or the wait ends; returns what arrived. */
    static List<ConsumerRecord<byte[], byte[]>> poll(KafkaConsumer<byte[], byte[]> consumer, int n, Duration wait) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (out.size() < n && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }

    /**
     * Waits until {@code condition} holds, blocking on the application's termination latch between checks (so a
     * failed application ends the wait at once); false on timeout.
     */
    static boolean await(IngestApplication app, Duration wait, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (app.awaitTermination(Duration.ofMillis(20))) {
                return condition.getAsBoolean();
            }
        }
        return condition.getAsBoolean();
    }

    static String sha256(Path file) throws IOException {
        return FileDigests.sha256(file);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Frames per sensor ({@code <sensor name>} as the simulator names them) read from each sensor's
     * {@code frames_timestamps_us}; asserts every sensor's timestamps are distinct and sorted by t1.
     */
    static SortedMap<String, Long> framesPerSensor(Path archive) throws IOException {
        SortedMap<String, Long> counts = new TreeMap<>();
        try (ZarrArchiveReader zarr = ZarrArchiveReader.open(archive)) {
            for (Node node : zarr.nodes().values()) {
                String[] parts = node.path().split("/");
                if (parts.length != 3 || !parts[2].equals("frames")
                        || !List.of("cameras", "lidars", "radars").contains(parts[0])) {
                    continue;
                }
                List<?> stamps = (List<?>) node.attributes().get("frames_timestamps_us");
                assertThat(stamps).as("frames_timestamps_us of %s", node.path()).isNotNull();
                List<Long> t1s = stamps.stream().map(s -> ((Number) ((List<?>) s).get(1)).longValue()).toList();
                assertThat(t1s).as("t1 of %s: sorted, each frame once", node.path()).isSorted().doesNotHaveDuplicates();
                counts.put(parts[1], (long) t1s.size());
            }
        }
        return counts;
    }

    /** Archive files and anything else left in an archive directory (temp files of interrupted seals). */
    static List<String> listing(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
