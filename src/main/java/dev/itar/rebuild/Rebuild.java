package dev.itar.rebuild;

import com.fasterxml.jackson.databind.JsonNode;
import dev.itar.files.FileTrees;
import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.ingest.OpenRecordings;
import dev.itar.ingest.OpenRecordings.OpenRecording;
import dev.itar.ingest.SealedEventReader;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Rebuilds archives from the frames topic: runs the ingest topology under its own application id into its own
 * archive directory, from the earliest offsets, until everything that was in the topic when it started is
 * consumed (end offsets captured at start, compared with the group's committed offsets), then stops.
 *
 * <p>Because an archive is a pure function of its recording's records, every recording whose {@code end} (or
 * stream-time idle seal) is in the topic comes out byte-identical to the live archive. Recordings that are still
 * open at the end (no {@code end} yet, not idle by stream time) are reported, not sealed: the live pipeline may
 * still receive their records, or seal them by wall clock.
 *
 * <p>The rebuild writes its sealed events and dead letters to its own topics ({@code <application id>-sealed},
 * {@code <application id>-dlq}), so consumers of the live topics see nothing of it. Its application id
 * defaults to {@code <application.id>-rebuild-<first 12 hex digits of sha256(absolute archive dir)>}: the same
 * directory gives the same id, so a rebuild that was interrupted continues where it stopped when run again;
 * {@code fromBeginning} discards that progress (consumer group, internal and output topics, local state) first.
 */
public final class Rebuild {
    private static final Duration POLL = Duration.ofMillis(200);
    /** Between re-reads of the sealed topic while idle recordings are sealed (each re-read reads it whole). */
    private static final Duration IDLE_POLL = Duration.ofSeconds(1);

    private Rebuild() {
    }

    /** What a rebuild did; {@code sealed} holds each archive's sealed event, by archive file name. */
    public record Result(String applicationId, Path archiveDir, SortedMap<Integer, Long> endOffsets,
                         SortedMap<String, JsonNode> sealed, List<OpenRecording> open, long millis) {
    }

    /** {@code <application.id>-rebuild-<12 hex digits of sha256 of the absolute, normalized archive dir>}. */
    public static String defaultApplicationId(IngestConfig live, Path archiveDir) {
        String path = archiveDir.toAbsolutePath().normalize().toString();
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
            return live.applicationId() + "-rebuild-" + HexFormat.of().formatHex(d).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * The live configuration turned into a rebuild's: other application id, archive dir and output topics;
     * earliest offsets; no status endpoint (the live instance may hold the port).
     *
     * @throws IllegalArgumentException when {@code archiveDir} is the live archive directory
     */
    public static IngestConfig config(IngestConfig live, Path archiveDir, String applicationId) {
        Path dir = archiveDir.toAbsolutePath().normalize();
        if (!live.archivesInS3() && dir.equals(live.archiveDir().toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("the rebuild archive dir " + dir + " is the live archive.dir ("
                    + live.origin(IngestConfig.ARCHIVE_DIR) + "); rebuild into another directory and compare");
        }
        String id = applicationId != null ? applicationId : defaultApplicationId(live, archiveDir);
        if (id.equals(live.applicationId())) {
            throw new IllegalArgumentException("the rebuild application id '" + id + "' is the live application.id;"
                    + " it would take over the live pipeline's consumer group and state");
        }
        return live.with(IngestConfig.APPLICATION_ID, id)
                .with(IngestConfig.ARCHIVE_DIR, archiveDir.toString())
                .with(IngestConfig.TOPIC_SEALED, id + "-sealed")
                .with(IngestConfig.TOPIC_DEAD_LETTERS, id + "-dlq")
                .with("consumer.auto.offset.reset", "earliest")
                .with(IngestConfig.HTTP_PORT, "-1");
    }

    /**
     * Runs the rebuild described by {@code config} (see {@link #config}) until the frames topic's end offsets
     * captured now are consumed, or {@code timeout}.
     *
     * @throws IllegalStateException when the ingest application fails or the timeout passes; names what is missing
     */
    public static Result run(IngestConfig config, boolean fromBeginning, Duration timeout, Consumer<String> progress)
            throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        String appId = config.applicationId();
        SortedMap<Integer, Long> end;
        SortedMap<Integer, Long> begin;
        try (Admin admin = Admin.create(config.adminProperties())) {
            if (fromBeginning) {
                reset(admin, config, progress);
            }
            List<TopicPartition> partitions = partitions(admin, config.framesTopic());
            end = offsets(admin, partitions, OffsetSpec.latest());
            begin = offsets(admin, partitions, OffsetSpec.earliest());
            progress.accept("rebuild " + appId + ": " + config.framesTopic() + " offsets to consume " + begin + " .. "
                    + end + " into " + config.archiveDir().toAbsolutePath().normalize());
            try (IngestApplication app = new IngestApplication(config)) {
                app.start();
                long lastReport = 0;
                while (true) {
                    SortedMap<Integer, Long> committed = committed(admin, appId, config.framesTopic());
                    List<Integer> behind = new ArrayList<>();
                    end.forEach((p, e) -> {
                        if (e > begin.get(p) && committed.getOrDefault(p, -1L) < e) {
                            behind.add(p);
                        }
                    });
                    if (behind.isEmpty()) {
                        break;
                    }
                    if (app.failure() != null) {
                        throw new IllegalStateException("rebuild " + appId + " failed: " + app.failure(), app.failure());
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("rebuild " + appId + " did not consume " + config.framesTopic()
                                + " up to " + end + " within " + timeout.toSeconds() + " s; committed " + committed
                                + ", state " + app.state());
                    }
                    if (System.nanoTime() - lastReport > 5_000_000_000L) {
                        lastReport = System.nanoTime();
                        progress.accept("rebuild " + appId + ": " + app.metrics().recordsAccepted() + " records, "
                                + app.metrics().seals() + " archives sealed; committed " + committed);
                    }
                    if (app.awaitTermination(POLL)) {
                        throw new IllegalStateException("rebuild " + appId + " stopped: " + (app.failure() != null
                                ? app.failure() : app.state()));
                    }
                }
                try (SealedEventReader sealedEvents = new SealedEventReader(config)) {
                    awaitIdleSeals(app, config, sealedEvents, deadline, progress);
                    List<OpenRecording> open = awaitPendingSeals(app, config, deadline);
                    SortedMap<String, JsonNode> sealed = awaitSealedEvents(app, config, sealedEvents, deadline);
                    return new Result(appId, config.archiveDir(), end, sealed, open,
                            (System.nanoTime() - started) / 1_000_000);
                }
            }
        }
    }

    /**
     * Recordings without an {@code end} whose last record is older than the idle timeout were sealed live by the
     * wall-clock rule (their partition went quiet). Once caught up, the rebuild's partitions are quiet too, and the
     * same rule seals them here after the idle timeout; waiting for that makes the rebuild complete, with the
     * same archives, instead of reporting them open.
     */
    private static void awaitIdleSeals(IngestApplication app, IngestConfig config, SealedEventReader sealedEvents,
                                       long deadline, Consumer<String> progress) throws InterruptedException {
        long idleMs = config.recordingIdleTimeout().toMillis();
        long now = System.currentTimeMillis();
        Set<String> due = new TreeSet<>();
        for (OpenRecording r : openRecordings(app, deadline)) {
            if (!r.ended() && r.lastTimestampMs() + idleMs < now) {
                due.add(r.recordingId());
            }
        }
        if (due.isEmpty()) {
            return;
        }
        progress.accept("rebuild " + config.applicationId() + ": " + due.size() + " recording(s) without an end are "
                + "idle (sealed live by wall clock); sealing them here takes up to the idle timeout of "
                + idleMs / 1000 + " s: " + due);
        while (!sealedEvents.readToEnd(remaining(deadline)).values().stream()
                .map(e -> e.path("recording_id").asText()).collect(Collectors.toSet()).containsAll(due)) {
            if (app.failure() != null) {
                throw new IllegalStateException("rebuild " + config.applicationId() + " failed: " + app.failure(),
                        app.failure());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("rebuild " + config.applicationId() + ": idle recordings " + due
                        + " were not sealed before the timeout");
            }
            if (app.awaitTermination(IDLE_POLL)) {
                throw new IllegalStateException("rebuild " + config.applicationId() + " stopped: " + app.state());
            }
        }
    }

    /**
     * Seals run in the background after the record that triggers them is committed: once every record is
     * consumed, waits until no recording is still being sealed, and returns the recordings left open.
     */
    private static List<OpenRecording> awaitPendingSeals(IngestApplication app, IngestConfig config, long deadline)
            throws InterruptedException {
        while (true) {
            List<OpenRecording> open = openRecordings(app, deadline);
            List<String> sealing = open.stream().filter(OpenRecording::ended).map(OpenRecording::recordingId).toList();
            if (sealing.isEmpty()) {
                return open;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("rebuild " + config.applicationId() + ": recordings " + sealing
                        + " were still being sealed at the timeout");
            }
            if (app.awaitTermination(POLL)) {
                throw new IllegalStateException("rebuild " + config.applicationId() + " stopped: " + (app.failure()
                        != null ? app.failure() : app.state()));
            }
        }
    }

    /** The committed sealed events, once there is one for every seal this run made (the last commits shortly after). */
    private static SortedMap<String, JsonNode> awaitSealedEvents(IngestApplication app, IngestConfig config,
                                                                 SealedEventReader sealedEvents, long deadline)
            throws InterruptedException {
        while (true) {
            SortedMap<String, JsonNode> sealed = sealedEvents.readToEnd(remaining(deadline));
            if (sealed.size() >= app.metrics().seals()) {
                return sealed;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("rebuild " + config.applicationId() + ": " + sealed.size() + " of "
                        + app.metrics().seals() + " sealed events committed at the timeout");
            }
            if (app.awaitTermination(POLL)) {
                throw new IllegalStateException("rebuild " + config.applicationId() + " stopped: " + app.state());
            }
        }
    }

    /** The open recordings, once the store is queryable (it is, right after RUNNING; rebalances may interrupt). */
    private static List<OpenRecording> openRecordings(IngestApplication app, long deadline) throws InterruptedException {
        while (true) {
            try {
                return OpenRecordings.query(app.kafkaStreams());
            } catch (InvalidStateStoreException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot list the open recordings: " + e.getMessage(), e);
                }
                if (app.awaitTermination(POLL)) {
                    throw new IllegalStateException("rebuild stopped: " + app.state(), e);
                }
            }
        }
    }

    /** What is left of the time until {@code deadline} (System.nanoTime), at least a second for one more read. */
    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(Duration.ofSeconds(1).toNanos(), deadline - System.nanoTime()));
    }

    /** Forgets an earlier rebuild with this application id: consumer group, its topics, local state. */
    private static void reset(Admin admin, IngestConfig config, Consumer<String> progress) throws InterruptedException {
        String appId = config.applicationId();
        try {
            admin.deleteConsumerGroups(List.of(appId)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw new IllegalStateException("cannot delete consumer group " + appId + ": " + e.getCause(), e);
            }
        }
        Set<String> topics;
        try {
            topics = admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith(appId + "-") && (t.endsWith("-changelog") || t.endsWith("-repartition")
                            || t.equals(config.sealedTopic()) || t.equals(config.deadLetterTopic())))
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            if (!topics.isEmpty()) {
                admin.deleteTopics(topics).all().get();
                awaitGone(admin, topics);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot delete the topics of " + appId + ": " + e.getCause(), e);
        }
        Path state = config.stateDir().resolve(appId);
        try {
            FileTrees.deleteRecursively(state);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the rebuild's state directory " + state + ": "
                    + e.getMessage(), e);
        }
        progress.accept("rebuild " + appId + ": starting from the beginning (deleted group, topics " + topics
                + ", state " + state + ")");
    }

    private static void awaitGone(Admin admin, Set<String> topics) throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Set<String> names = admin.listTopics().names().get();
            if (topics.stream().noneMatch(names::contains)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + topics + " were not deleted within 60 s");
            }
            Thread.sleep(POLL.toMillis()); // polling the broker's deletion, not synchronising threads
        }
    }

    private static List<TopicPartition> partitions(Admin admin, String topic) throws InterruptedException {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            return d.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("frames topic " + topic + " does not exist: nothing to rebuild from");
            }
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getCause(), e);
        }
    }

    /** Offsets a read_committed consumer (as Streams under exactly-once) reaches: the last stable offset. */
    private static SortedMap<Integer, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new TreeMap<>(Comparator.comparing(TopicPartition::partition));
        partitions.forEach(tp -> request.put(tp, spec));
        try {
            Map<TopicPartition, ListOffsetsResultInfo> r = admin.listOffsets(request,
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
            SortedMap<Integer, Long> out = new TreeMap<>();
            r.forEach((tp, info) -> out.put(tp.partition(), info.offset()));
            return out;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list offsets of " + partitions + ": " + e.getCause(), e);
        }
    }

    private static SortedMap<Integer, Long> committed(Admin admin, String group, String topic)
            throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            SortedMap<Integer, Long> out = new TreeMap<>();
            m.forEach((tp, o) -> {
                if (tp.topic().equals(topic) && o != null) {
                    out.put(tp.partition(), o.offset());
                }
            });
            return out;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return new TreeMap<>();
            }
            throw new IllegalStateException("cannot read the committed offsets of " + group + ": " + e.getCause(), e);
        }
    }
}
