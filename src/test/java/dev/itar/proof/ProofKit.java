package dev.itar.proof;

import dev.itar.archive.FileDigests;
import dev.itar.frames.EndFrame;
import dev.itar.frames.SensorFrame;
import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.ingest.IngestMetrics;
import dev.itar.sim.SimRecord;
import dev.itar.sim.SimulatorConfig;
import dev.itar.sim.VehicleSimulator;
import dev.itar.zarr.Node;
import dev.itar.zarr.ZarrArchiveReader;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
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
import java.util.HashMap;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared pieces of the proof ITs: configurations, clients, bounded waits, archive facts. */
final class ProofKit {
    static final Duration WAIT = Duration.ofSeconds(90);
    /**
     * Broker settings for failover tests: transactions past their timeout are aborted within a second (default: 10 s),
     * so one a SIGKILLed instance left open holds its tasks' new owner only for the transaction timeout.
     */
    static final Map<String, String> PROMPT_ABORTS =
            Map.of("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    private static final long LOOK_MS = 100;

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

    /** The records before the {@code end}: what a test sends first, to end the recording later. */
    static List<SimRecord> body(List<SimRecord> records) {
        return records.stream().filter(r -> !(r.frame() instanceof EndFrame)).toList();
    }

    /** The {@code end} records. */
    static List<SimRecord> ends(List<SimRecord> records) {
        return records.stream().filter(r -> r.frame() instanceof EndFrame).toList();
    }

    static long sensorFrames(List<SimRecord> records) {
        return records.stream().filter(r -> r.frame() instanceof SensorFrame).count();
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

    /**
     * Waits until {@code condition} holds, looking every {@value #LOOK_MS} ms; fails after {@code wait} with
     * {@code what} and whatever {@code context} says then (a child's output, the group's state).
     */
    static void awaitTrue(String what, Duration wait, BooleanSupplier condition, Supplier<String> context) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + wait.toSeconds() + " s; "
                        + context.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(LOOK_MS));
        }
    }

    /**
     * Whether consumer group {@code group} has committed, on every partition of {@code topic}, the topic's end
     * offset: everything in the topic now is processed and its results committed.
     */
    static boolean committedToEnd(Admin admin, String group, String topic) {
        try {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            for (var e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                if (e.getValue().offset() > 0 && (c == null || c.offset() < e.getValue().offset())) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the offsets of group " + group + " on " + topic, e.getCause());
        }
    }

    /**
     * The group's members now (consumer id, client id, static instance id if any, assigned partitions), for waits
     * and messages; none before the first has joined.
     */
    static List<MemberDescription> members(Admin admin, String group) {
        try {
            return List.copyOf(admin.describeConsumerGroups(List.of(group)).all().get().get(group).members());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return List.of(); // no member has joined yet
            }
            throw new IllegalStateException("cannot describe group " + group, e.getCause());
        }
    }

    /**
     * The archives one uninterrupted instance seals from the frames topic of {@code settings}, under a fresh
     * application id (so from the topic's beginning), in this JVM: archive file name → sha256. Waits for
     * {@code archives} seals.
     */
    static SortedMap<String, String> referenceArchives(Map<String, String> settings, Path dir, int archives)
            throws IOException, InterruptedException {
        Map<String, String> ref = new HashMap<>(settings);
        String id = settings.get(IngestConfig.APPLICATION_ID) + "-reference";
        ref.put(IngestConfig.APPLICATION_ID, id);
        ref.put(IngestConfig.ARCHIVE_DIR, dir.resolve("archives").toString());
        ref.put(IngestConfig.STATE_DIR, dir.resolve("state").toString());
        ref.put(IngestConfig.TOPIC_SEALED, id + "-sealed");
        ref.put(IngestConfig.TOPIC_DEAD_LETTERS, id + "-dlq");
        ref.keySet().removeIf(k -> k.contains("group.instance.id"));
        IngestMetrics metrics = new IngestMetrics();
        try (IngestApplication app = new IngestApplication(config(ref), metrics)) {
            app.start();
            assertThat(await(app, WAIT, () -> metrics.seals() >= archives)).as("reference run sealed %d archives; %s",
                    archives, metrics).isTrue();
        }
        SortedMap<String, String> out = new TreeMap<>();
        for (String name : listing(dir.resolve("archives"))) {
            if (name.endsWith(".zarr.itar")) {
                out.put(name, sha256(dir.resolve("archives").resolve(name)));
            }
        }
        return out;
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
