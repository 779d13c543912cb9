package dev.itar.proof;

import dev.itar.archive.ArchiveVerifier;
import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.ingest.IngestMetrics;
import dev.itar.kafka.KafkaBrokerExtension;
import dev.itar.kafka.TopicAdmin;
import dev.itar.sim.SimRecord;
import dev.itar.sim.VehicleSimulator;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ingestor runs as a child process ({@code Main run --config FILE}) and is killed with SIGKILL at seeded
 * pseudo-random moments: while it ingests (after a chosen number of frame and pose writes seen on the changelog of
 * its archives under construction) and while it seals (the moment the seal's marker appears beside the finished
 * archive in the state directory, or the moment the archive appears in the archive directory, before its sealed
 * event is committed). Each time it is started again with the same application id and state directory. The archive it finally seals must be byte-identical to an uninterrupted run's (fresh
 * application id over the same topic) and hold every frame exactly once.
 *
 * <p>{@code -Dcrash.kills=N} (default 2: one while ingesting, one while sealing; with more, the first half are
 * ingest kills) and {@code -Dcrash.seed=S} choose the moments.
 */
class CrashSafetyIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path tmp;

    @Test
    void anArchiveSealedAcrossSigkillsEqualsTheUninterruptedOneAndHoldsEveryFrameOnce() throws Exception {
        int kills = Integer.getInteger("crash.kills", 2);
        Random random = new Random(Long.getLong("crash.seed", 20_261_126L));
        String bootstrap = KAFKA.bootstrapServers();
        VehicleSimulator sim = ProofKit.simulator("crash", 4.0, 7);
        List<SimRecord> records = ProofKit.records(sim);
        List<SimRecord> body = ProofKit.body(records);
        List<SimRecord> end = ProofKit.ends(records);
        long sensorFrames = ProofKit.sensorFrames(body);
        String id = sim.recordingIds().get(0);

        Path archives = tmp.resolve("archives");
        Files.createDirectories(archives);
        Map<String, String> settings = ProofKit.settings(bootstrap, "crash", "crash-app", archives,
                tmp.resolve("state"));
        IngestConfig config = ProofKit.config(settings);
        TopicAdmin.ensureTopics(bootstrap, new IngestApplication(config).topics());

        List<String> moments = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = ProofKit.producer(bootstrap);
             KafkaConsumer<byte[], byte[]> changelog = uncommitted(bootstrap, "crash-app-unsealed-archives-changelog");
             KafkaConsumer<byte[], byte[]> sealed = ProofKit.consumer(bootstrap, config.sealedTopic(), true)) {
            ProofKit.sendAll(producer, config.framesTopic(), body);
            ChildIngestor child = ChildIngestor.start(settings, tmp.resolve("ingest.properties"));
            try {
                // kills while ingesting: after a seeded number of further frame and pose writes reach the changelog
                int ingestKills = (kills + 1) / 2;
                long seen = 0;
                long threshold = 0;
                for (int k = 0; k < ingestKills; k++) {
                    threshold += 1 + random.nextInt((int) Math.max(1, sensorFrames / (ingestKills + 1)));
                    long deadline = System.nanoTime() + ProofKit.WAIT.toNanos();
                    while (seen < threshold && System.nanoTime() < deadline && child.isAlive()) {
                        seen += changelog.poll(Duration.ofMillis(100)).count();
                    }
                    assertThat(seen).as("item writes seen before ingest kill %d; child output:\n%s", k + 1,
                            child.output()).isGreaterThanOrEqualTo(threshold);
                    child.kill();
                    moments.add("ingest: after " + seen + " changelog records");
                    child = ChildIngestor.start(settings, tmp.resolve("ingest.properties"));
                }

                // kills while sealing: the end record makes the child seal; kill when its marker or archive appears
                ProofKit.sendAll(producer, config.framesTopic(), end);
                List<ConsumerRecord<byte[], byte[]>> events = new ArrayList<>();
                for (int k = ingestKills; k < kills && events.isEmpty(); k++) {
                    boolean atPublish = random.nextBoolean();
                    String moment = killWhileSealing(child, atPublish ? archives : segmentFiles(tmp.resolve("state")),
                            atPublish ? id + ".ncore4.zarr.itar" : id + ".0.sealed", sealed, events);
                    moments.add(moment);
                    if (moment.startsWith("seal")) {
                        child = ChildIngestor.start(settings, tmp.resolve("ingest.properties"));
                    }
                }
                if (events.isEmpty()) {
                    events.addAll(ProofKit.poll(sealed, 1, ProofKit.WAIT));
                }
                assertThat(events).as("committed sealed events; kills: %s; child output:\n%s", moments,
                        child.output()).hasSize(1);
            } finally {
                child.close();
            }
            // no second committed event: seals repeated after a kill were in aborted transactions
            assertThat(ProofKit.poll(sealed, 1, Duration.ofSeconds(2))).as("further sealed events").isEmpty();
        }
        Path archive = archives.resolve(id + ".ncore4.zarr.itar");
        assertThat(archive).exists();
        System.out.println("CrashSafetyIT kills: " + moments + "; archive dir: " + ProofKit.listing(archives));
        // a seal interrupted by a kill leaves no temp file in the archive directory
        assertThat(ProofKit.listing(archives)).as("temp files left in the archive dir after kills %s", moments)
                .noneMatch(name -> name.endsWith(".partial"));

        // the uninterrupted run: fresh application id, same topic, in this JVM
        Path refArchives = tmp.resolve("ref-archives");
        Map<String, String> ref = new HashMap<>(ProofKit.settings(bootstrap, "crash", "crash-reference", refArchives,
                tmp.resolve("ref-state")));
        ref.put(IngestConfig.TOPIC_SEALED, "crash-ref-sealed");
        ref.put(IngestConfig.TOPIC_DEAD_LETTERS, "crash-ref-dlq");
        IngestMetrics metrics = new IngestMetrics();
        try (IngestApplication app = new IngestApplication(ProofKit.config(ref), metrics)) {
            app.start();
            assertThat(ProofKit.await(app, ProofKit.WAIT, () -> metrics.seals() == 1)).as("reference sealed").isTrue();
        }
        Path expected = refArchives.resolve(id + ".ncore4.zarr.itar");
        assertThat(ProofKit.sha256(archive)).as("archive after %s", moments).isEqualTo(ProofKit.sha256(expected));
        assertThat(ArchiveVerifier.containerProblems(archive)).isEmpty();
        assertThat(ProofKit.framesPerSensor(archive)).as("every frame exactly once")
                .isEqualTo(sim.framesPerSensor());
    }

    /**
     * Waits for {@code name} to appear in {@code dir} and kills the child the moment it does. Returns what happened:
     * "seal: ..." after a kill, "sealed before a kill" if the committed sealed event came first (then added to
     * events).
     */
    private static String killWhileSealing(ChildIngestor child, Path dir, String name,
                                           KafkaConsumer<byte[], byte[]> sealed,
                                           List<ConsumerRecord<byte[], byte[]>> events) throws Exception {
        Files.createDirectories(dir);
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            long deadline = System.nanoTime() + ProofKit.WAIT.toNanos();
            while (System.nanoTime() < deadline && child.isAlive()) {
                if (Files.exists(dir.resolve(name))) {
                    child.kill();
                    return "seal: " + dir.relativize(dir.resolve(name)) + " appeared in " + dir.getFileName();
                }
                WatchKey key = watch.poll(20, TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
                sealed.poll(Duration.ZERO).forEach(events::add);
                if (!events.isEmpty()) {
                    return "sealed before a kill";
                }
            }
        }
        throw new AssertionError("no seal started within " + ProofKit.WAIT + "; child output:\n" + child.output());
    }

    /** Where the child keeps the archives under construction of its only task. */
    private static Path segmentFiles(Path stateDir) {
        return stateDir.resolve("crash-app").resolve("0_0").resolve("unsealed-archives");
    }

    /** read_uncommitted from the beginning, never creating the topic (Streams must create its changelog). */
    private static KafkaConsumer<byte[], byte[]> uncommitted(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "proof-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 18 * 1024 * 1024);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }
}
