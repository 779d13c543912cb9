package dev.itar.proof;

import dev.itar.archive.ArchiveVerifier;
import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.kafka.KafkaBrokerExtension;
import dev.itar.kafka.TopicAdmin;
import dev.itar.sim.SimRecord;
import dev.itar.sim.SimulatorConfig;
import dev.itar.sim.VehicleSimulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three instances of one application (child processes running {@code run}, one stream thread each, each its own
 * state directory, one shared archive directory) ingest six recordings at once from six partitions, one recording
 * on each. A third of every recording is ingested and committed; the next third is sent and one instance is killed
 * with SIGKILL while it works on it; the two survivors take its tasks over (restoring their changelogs: no
 * standbys), and once they have, a new instance joins and takes tasks from them; then the rest, ends included, is
 * sent. Every recording must be sealed exactly once — one committed sealed event per archive, read with
 * {@code read_committed} — into an archive byte-identical to one uninterrupted instance's, holding every frame
 * once, with nothing else left in the archive directory.
 */
class ScaleOutIT {
    private static final int PARTITIONS = 6;
    private static final int INSTANCES = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(ProofKit.PROMPT_ABORTS);

    @TempDir
    Path tmp;

    @Test
    void threeInstancesSealEveryRecordingOnceAcrossAKillAndAJoin() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        VehicleSimulator sim = new VehicleSimulator(SimulatorConfig.builder().vehicles(PARTITIONS)
                .recordingPrefix(prefixCoveringEveryPartition()).durationSeconds(3.0).seed(29).build());
        List<SimRecord> records = ProofKit.records(sim); // the vehicles' records interleaved in sensor time
        int third = records.size() / 3;

        Path archives = tmp.resolve("archives");
        Files.createDirectories(archives);
        Map<String, String> settings = new LinkedHashMap<>(ProofKit.settings(bootstrap, "scale", "scale-app",
                archives, tmp.resolve("state-0")));
        settings.put(IngestConfig.TOPIC_PARTITIONS, Integer.toString(PARTITIONS));
        settings.put("num.stream.threads", "1");
        // the killed instance's open transaction holds its tasks' new owners until it times out
        settings.put("producer.transaction.timeout.ms", "10000");
        IngestConfig config = ProofKit.config(settings);
        String group = config.applicationId();
        String frames = config.framesTopic();
        TopicAdmin.ensureTopics(bootstrap, new IngestApplication(config).topics());

        List<ChildIngestor> instances = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> events;
        CompletableFuture<SortedMap<String, String>> reference;
        long t0 = System.nanoTime();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
             KafkaProducer<byte[], byte[]> producer = ProofKit.producer(bootstrap);
             KafkaConsumer<byte[], byte[]> sealed = ProofKit.consumer(bootstrap, config.sealedTopic(), true)) {
            try {
                for (int i = 0; i < INSTANCES; i++) {
                    instances.add(start(settings, i));
                }
                awaitBalanced(admin, group, frames, INSTANCES, instances);
                phase(t0, "three instances sharing the partitions");

                ProofKit.sendAll(producer, frames, records.subList(0, third));
                ProofKit.awaitTrue("the first third committed", ProofKit.WAIT,
                        () -> ProofKit.committedToEnd(admin, group, frames), () -> outputs(instances));
                assertThat(instances).as("instances alive; %s", outputs(instances)).allMatch(ChildIngestor::isAlive);

                phase(t0, "the first third committed");
                // instance 0 holds two of the six partitions, so two open recordings, and is fed more of both
                ProofKit.sendAll(producer, frames, records.subList(third, 2 * third));
                instances.get(0).kill();
                // the uninterrupted run, meanwhile, in this JVM: the takeover is mostly waiting
                reference = CompletableFuture.supplyAsync(() -> reference(settings));
                awaitBalanced(admin, group, frames, INSTANCES - 1, instances);
                phase(t0, "two survivors sharing the partitions");
                ProofKit.awaitTrue("the second third committed by the survivors", ProofKit.WAIT,
                        () -> ProofKit.committedToEnd(admin, group, frames), () -> outputs(instances));
                phase(t0, "the second third committed by the survivors");

                instances.add(start(settings, INSTANCES));
                awaitBalanced(admin, group, frames, INSTANCES, instances);
                phase(t0, "a new instance joined");

                ProofKit.sendAll(producer, frames, records.subList(2 * third, records.size()));
                events = ProofKit.poll(sealed, PARTITIONS, ProofKit.WAIT);
                assertThat(events).as("committed sealed events; %s", outputs(instances)).hasSize(PARTITIONS);
                phase(t0, "six recordings sealed");
                // an archive sealed again (by an instance killed before committing, or a task moved mid-seal) would
                // show here as a second committed event
                events.addAll(ProofKit.poll(sealed, 1, Duration.ofSeconds(2)));
            } finally {
                ChildIngestor.closeAll(instances);
            }
        }

        Map<String, Integer> eventsPerArchive = new TreeMap<>();
        Set<String> recordingsSealed = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : events) {
            JsonNode e = JSON.readTree(r.value());
            String archive = e.path("archive").asText();
            eventsPerArchive.merge(archive.substring(archive.lastIndexOf('/') + 1), 1, Integer::sum);
            recordingsSealed.add(e.path("recording_id").asText());
        }
        assertThat(eventsPerArchive).as("committed sealed events per archive").hasSize(PARTITIONS)
                .allSatisfy((archive, n) -> assertThat(n).as(archive).isEqualTo(1));
        assertThat(recordingsSealed).containsExactlyInAnyOrderElementsOf(sim.recordingIds());

        SortedMap<String, String> expected = reference.get(ProofKit.WAIT.toSeconds(), TimeUnit.SECONDS);
        phase(t0, "the reference run sealed");
        assertThat(expected).as("reference archives").hasSize(PARTITIONS);
        assertThat(ProofKit.listing(archives).stream().filter(n -> n.endsWith(".zarr.itar")).toList())
                .as("archives sealed by the instances").containsExactlyElementsOf(expected.keySet());
        assertThat(ProofKit.listing(archives)).as("archive directory: archives and their sequence meta only")
                .allMatch(n -> n.endsWith(".zarr.itar") || n.endsWith(".json"));
        for (var e : expected.entrySet()) {
            Path archive = archives.resolve(e.getKey());
            assertThat(ProofKit.sha256(archive)).as("%s against the single-instance run", e.getKey())
                    .isEqualTo(e.getValue());
            assertThat(ArchiveVerifier.containerProblems(archive)).as(e.getKey()).isEmpty();
            assertThat(ProofKit.framesPerSensor(archive)).as("every frame of %s exactly once", e.getKey())
                    .isEqualTo(sim.framesPerSensor());
        }
    }

    private SortedMap<String, String> reference(Map<String, String> settings) {
        try {
            return ProofKit.referenceArchives(settings, tmp.resolve("reference"), PARTITIONS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void phase(long t0, String what) {
        System.out.printf(java.util.Locale.ROOT, "ScaleOutIT %5.1f s: %s%n", (System.nanoTime() - t0) / 1e9, what);
    }

    private ChildIngestor start(Map<String, String> settings, int n) throws java.io.IOException {
        Map<String, String> own = new HashMap<>(settings);
        own.put(IngestConfig.STATE_DIR, tmp.resolve("state-" + n).toString());
        return ChildIngestor.start(own, tmp.resolve("instance-" + n + ".properties"));
    }

    /**
     * Waits until the group has {@code members} members and the frames topic's partitions are spread over them as
     * evenly as they go (each member's stream thread holding its share of active tasks).
     */
    private static void awaitBalanced(Admin admin, String group, String frames, int members,
                                      List<ChildIngestor> instances) {
        ProofKit.awaitTrue("a group of " + members + " sharing the " + PARTITIONS + " partitions", ProofKit.WAIT,
                () -> {
                    List<MemberDescription> now = ProofKit.members(admin, group);
                    List<Long> shares = now.stream().map(m -> m.assignment().topicPartitions().stream()
                            .filter(tp -> tp.topic().equals(frames)).count()).toList();
                    return now.size() == members && shares.stream().mapToLong(Long::longValue).sum() == PARTITIONS
                            && shares.stream().allMatch(s -> s == PARTITIONS / members
                                    || s == (PARTITIONS + members - 1) / members);
                },
                () -> "members: " + ProofKit.members(admin, group).stream().map(m -> m.consumerId() + "="
                        + m.assignment().topicPartitions()).collect(Collectors.joining(", ")) + "; "
                        + outputs(instances));
    }

    /**
     * The first recording prefix (scale, scale-1, ...) whose six vehicles' ids the producer's default partitioner
     * puts on six different partitions, so every partition, and so every instance, holds an open recording.
     */
    private static String prefixCoveringEveryPartition() {
        for (int i = 0; i < 10_000; i++) {
            String prefix = i == 0 ? "scale" : "scale-" + i;
            SimulatorConfig c = SimulatorConfig.builder().vehicles(PARTITIONS).recordingPrefix(prefix).build();
            Set<Integer> partitions = new HashSet<>();
            for (int v = 1; v <= PARTITIONS; v++) {
                byte[] key = c.recordingId(v).getBytes(StandardCharsets.UTF_8);
                partitions.add(Utils.toPositive(Utils.murmur2(key)) % PARTITIONS);
            }
            if (partitions.size() == PARTITIONS) {
                return prefix;
            }
        }
        throw new IllegalStateException("no recording prefix spreads " + PARTITIONS + " vehicles over as many"
                + " partitions");
    }

    private static String outputs(List<ChildIngestor> instances) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < instances.size(); i++) {
            b.append("\ninstance ").append(i).append(instances.get(i).isAlive() ? "" : " (gone)").append(":\n")
                    .append(instances.get(i).output());
        }
        return b.toString();
    }
}
