package dev.itar.proof;

import dev.itar.archive.ArchiveVerifier;
import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.ingest.IngestMetrics;
import dev.itar.kafka.KafkaBrokerExtension;
import dev.itar.kafka.TopicAdmin;
import dev.itar.sim.SimRecord;
import dev.itar.sim.VehicleSimulator;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.LagInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A standby's unsealed-archives store after promotion. Instance A, a child process, is active on the one partition;
 * instance B, in this JVM, joins once A has committed all of a recording but its {@code end}. With
 * {@code num.standby.replicas=1} and static membership, as a multi-instance deployment runs, B holds a standby of the
 * task: its store follows the changelog. A is killed with SIGKILL; B's standby is promoted and restores only what it
 * had not seen (what its restore listener counted, {@code itar_restored_records_total}), and seals the recording
 * when its {@code end} arrives from the files the standby kept: one committed sealed event, the archive
 * byte-identical to an uninterrupted run's, every frame once. (Failover without a standby, restoring the whole
 * changelog, is {@link ScaleOutIT}'s.)
 */
class StandbyFailoverIT {
    private static final String UNSEALED = "unsealed-archives";

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(ProofKit.PROMPT_ABORTS);

    @TempDir
    Path tmp;

    @Test
    void aPromotedStandbySealsFromTheFilesItFollowedRestoringOnlyWhatItHadNotSeen() throws Exception {
        String prefix = "standby";
        String bootstrap = KAFKA.bootstrapServers();
        VehicleSimulator sim = ProofKit.simulator(prefix, 3.0, 13);
        List<SimRecord> records = ProofKit.records(sim);
        List<SimRecord> body = ProofKit.body(records);
        List<SimRecord> end = ProofKit.ends(records);
        long sensorFrames = ProofKit.sensorFrames(body);
        String id = sim.recordingIds().get(0);

        Path archives = tmp.resolve("archives");
        Map<String, String> a = new LinkedHashMap<>(ProofKit.settings(bootstrap, prefix, prefix + "-app", archives,
                tmp.resolve("state-a")));
        a.put("num.standby.replicas", "1");
        a.put("num.stream.threads", "1");
        // B joins with a store behind A's: never "caught up" enough to be handed the active task while A lives (the
        // default, 10 000 records, is more than this whole recording's changelog)
        a.put("acceptable.recovery.lag", "0");
        // A's open transaction holds B's promoted task until it times out
        a.put("producer.transaction.timeout.ms", "10000");
        Map<String, String> b = new LinkedHashMap<>(a);
        b.put(IngestConfig.STATE_DIR, tmp.resolve("state-b").toString());
        a.put("group.instance.id", prefix + "-a");
        b.put("group.instance.id", prefix + "-b");
        // B's own session outlives its close below, where a static member stays in the group
        b.put("consumer.session.timeout.ms", "30000");
        IngestConfig config = ProofKit.config(b);
        String group = config.applicationId();
        TopicAdmin.ensureTopics(bootstrap, new IngestApplication(config).topics());

        IngestMetrics metrics = new IngestMetrics();
        long tail;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
             KafkaProducer<byte[], byte[]> producer = ProofKit.producer(bootstrap);
             KafkaConsumer<byte[], byte[]> sealed = ProofKit.consumer(bootstrap, config.sealedTopic(), true)) {
            ProofKit.sendAll(producer, config.framesTopic(), body);
            ChildIngestor first = ChildIngestor.start(a, tmp.resolve("a.properties"));
            IngestApplication second = new IngestApplication(config, metrics);
            try {
                ProofKit.awaitTrue("A committing every record but the end", ProofKit.WAIT,
                        () -> !first.isAlive() || ProofKit.committedToEnd(admin, group, config.framesTopic()),
                        () -> "A's output:\n" + first.output());
                assertThat(first.isAlive()).as("A alive; its output:\n%s", first.output()).isTrue();

                second.start();
                assertThat(second.awaitRunning(ProofKit.WAIT)).as("B running").isTrue();
                // B has no active task: its local replica of the store is the standby
                ProofKit.awaitTrue("B holding a standby of the task, caught up with its changelog", ProofKit.WAIT,
                        () -> unsealedLag(second).map(l -> l.offsetLag() <= 1).orElse(false),
                        () -> "B's lags: " + second.kafkaStreams().allLocalStorePartitionLags());
                LagInfo lag = unsealedLag(second).orElseThrow();
                // the standby's files hold every frame: at least one changelog record each
                assertThat(lag.currentOffsetPosition()).as("B's standby position").isGreaterThan(sensorFrames);
                tail = lag.offsetLag();
                assertThat(metrics.restoredRecords(UNSEALED)).as("restored by B before the kill").isZero();
                assertThat(metrics.seals()).as("seals by B's standby").isZero();

                first.kill();
                ProofKit.sendAll(producer, config.framesTopic(), end);
                List<ConsumerRecord<byte[], byte[]>> events = ProofKit.poll(sealed, 1, ProofKit.WAIT);
                assertThat(events).as("committed sealed events after the kill; B: %s", metrics).hasSize(1);
                assertThat(ProofKit.poll(sealed, 1, Duration.ofSeconds(2))).as("further sealed events").isEmpty();
                assertThat(metrics.seals()).as("seals by B").isEqualTo(1);
            } finally {
                first.close();
                second.close();
            }

            long restored = metrics.restoredRecords(UNSEALED);
            System.out.println("StandbyFailoverIT: B restored " + restored + " unsealed-archives changelog records"
                    + " after its standby's promotion (lag at the kill " + tail + "); " + sensorFrames
                    + " sensor frames");
            assertThat(restored).as("records B restored after its standby's promotion").isLessThanOrEqualTo(tail);
            // a static member stays in the group when it closes: restarted in time, it gets its task back
            assertThat(ProofKit.members(admin, group)).extracting(MemberDescription::groupInstanceId)
                    .contains(Optional.of(prefix + "-b-1"));
        }

        Path archive = archives.resolve(id + ".ncore4.zarr.itar");
        Map<String, String> reference = ProofKit.referenceArchives(b, tmp.resolve("reference"), 1);
        assertThat(ProofKit.sha256(archive)).as("archive sealed by B").isEqualTo(reference.get(archive.getFileName()
                .toString()));
        assertThat(ArchiveVerifier.containerProblems(archive)).isEmpty();
        assertThat(ProofKit.framesPerSensor(archive)).as("every frame exactly once").isEqualTo(sim.framesPerSensor());
    }

    private static Optional<LagInfo> unsealedLag(IngestApplication app) {
        return Optional.ofNullable(app.kafkaStreams().allLocalStorePartitionLags().getOrDefault(UNSEALED, Map.of())
                .get(0));
    }
}
