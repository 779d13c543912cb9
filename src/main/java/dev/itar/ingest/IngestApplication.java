package dev.itar.ingest;

import dev.itar.kafka.TopicAdmin;
import dev.itar.kafka.TopicSpec;
import dev.itar.storage.ArchiveStore;
import dev.itar.storage.ArchiveStores;
import dev.itar.storage.StorageException;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The running ingest pipeline: creates the topics it needs (when missing), then runs the
 * {@link IngestTopology} in a {@link KafkaStreams} instance.
 *
 * <p>Uncaught exceptions shut the client down ({@code SHUTDOWN_CLIENT}) rather than replacing the thread: bad
 * records never get here (they go to the dead-letter topic) and a seal that cannot publish waits and retries on
 * its own, so what does is environmental or a bug — the state directory's disk is full, the broker refuses our
 * credentials. A replaced thread would retry
 * the same record at once and fail the same way, hot-looping while looking alive. Stopping makes the failure
 * visible ({@code run} exits with status 1) and lets the supervisor restart with back-off once it is fixed;
 * exactly-once processing means nothing is lost or doubled by stopping at any point.
 */
public final class IngestApplication implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestApplication.class);
    /** Default time {@link #close()} waits for the stream threads to finish their work and commit. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(60);

    private final IngestConfig config;
    private final IngestMetrics metrics;
    /** Seals and background digests of every task of this instance. */
    private java.util.concurrent.ExecutorService sealExecutor;
    /** Where sealed archives go ({@code archive.dir}); opened by {@link #start()}. */
    private ArchiveStore archives;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;

    public IngestApplication(IngestConfig config) {
        this(config, new IngestMetrics());
    }

    public IngestApplication(IngestConfig config, IngestMetrics metrics) {
        this.config = Objects.requireNonNull(config, "config");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** The topics this application reads and writes, as it creates them when they are missing. */
    public List<TopicSpec> topics() {
        String maxBytes = Integer.toString(config.maxMessageBytes());
        short rf = config.topicReplicationFactor();
        int partitions = config.topicPartitions();
        return List.of(
                new TopicSpec(config.framesTopic(), partitions, rf, Map.of(
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxBytes,
                        TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, config.framesTimestampType())),
                // a dead letter is an input record plus error headers
                new TopicSpec(config.deadLetterTopic(), partitions, rf, Map.of(
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(config.outputMaxMessageBytes()))),
                new TopicSpec(config.sealedTopic(), partitions, rf, Map.of()));
    }

    /**
     * Creates missing topics and the archive directory, and starts the stream threads. Returns once started
     * (processing begins after the consumer group has formed; see {@link #awaitRunning}).
     */
    public synchronized void start() {
        if (streams != null) {
            throw new IllegalStateException("already started");
        }
        try {
            if (!config.archivesInS3()) {
                Files.createDirectories(config.archiveDir());
            }
            Files.createDirectories(config.stateDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create archive.dir " + config.archiveLocation() + " or state.dir "
                    + config.stateDir() + ": " + e.getMessage(), e);
        }
        try {
            archives = ArchiveStores.open(config.archiveLocation(), config.storageSettings());
        } catch (StorageException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        try (Admin admin = Admin.create(config.adminProperties())) {
            List<String> created = TopicAdmin.ensureTopics(admin, topics(), TopicAdmin.DEFAULT_TIMEOUT);
            LOG.info("topics ready on {}: {} (created now: {})", config.bootstrapServers(),
                    topics().stream().map(TopicSpec::name).toList(), created);
        }
        sealExecutor = IngestTopology.sealExecutor();
        Topology topology = IngestTopology.build(config, metrics, sealExecutor, archives);
        LOG.debug("topology:\n{}", topology.describe());
        Properties streamsProperties = config.streamsProperties();
        streams = new KafkaStreams(topology, streamsProperties);
        streams.setStateListener((newState, oldState) -> {
            LOG.info("ingest {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING) {
                terminated.countDown();
            }
        });
        ChangelogRestores restores = new ChangelogRestores(metrics);
        streams.setGlobalStateRestoreListener(restores);
        streams.setStandbyUpdateListener(restores);
        streams.setUncaughtExceptionHandler(e -> {
            failure.compareAndSet(null, e);
            LOG.error("stream thread failed; shutting the ingest client down (restart it once the cause is fixed; "
                    + "exactly-once state means nothing is lost)", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        // Kafka Streams' own metrics (and those of its clients) beside ours, in the same registry
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(metrics.registry());
        if (BoundedRocksDbMemory.class.getName().equals(
                streamsProperties.getProperty(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))) {
            metrics.rocksDbMemory(config.rocksDbMemoryBytes());
        }
        LOG.info("starting ingest: application.id={}, frames topic {}, archives in {}, state in {}, "
                        + "idle timeout {} ms, {}", config.applicationId(), config.framesTopic(),
                archives.location(), config.stateDir().toAbsolutePath(),
                config.recordingIdleTimeout().toMillis(), config.processingGuarantee());
        streams.start();
    }

    /** Waits up to {@code timeout} for the RUNNING state; false if it was not reached. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State s = state();
            if (s == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
                return false;
            }
            if (terminated.await(50, TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
        return false;
    }

    /** Waits up to {@code timeout} for the client to stop (after an error or a close); true if it stopped. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The Kafka Streams state; CREATED before {@link #start()}. */
    public synchronized KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    /** The exception that stopped a stream thread, if any. */
    public Throwable failure() {
        return failure.get();
    }

    /**
     * The Kafka Streams client (null before {@link #start()}): for interactive queries of the state stores
     * ({@link OpenRecordings}).
     */
    public synchronized KafkaStreams kafkaStreams() {
        return streams;
    }

    public IngestMetrics metrics() {
        return metrics;
    }

    public IngestConfig config() {
        return config;
    }

    /**
     * Stops processing: the stream threads finish the current record, commit and close the stores. Returns
     * true if everything stopped within {@code timeout}.
     */
    public synchronized boolean close(Duration timeout) {
        if (streams == null) {
            terminated.countDown();
            if (archives != null) {
                archives.close();
            }
            return true;
        }
        LOG.info("closing ingest (waiting up to {} s)", timeout.toSeconds());
        // A dynamic member leaves the group: another instance (or this one restarted) takes the partitions over at
        // once instead of after the session timeout. A static member (group.instance.id) stays: started again within
        // session.timeout.ms it gets its own tasks back, state and all, without a rebalance — what it is for.
        boolean closed = streams.close(CloseOptions.timeout(timeout).withGroupMembershipOperation(
                config.groupInstanceId().isPresent() ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP
                        : CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        streamsMetrics.close();
        terminated.countDown();
        if (!closed) {
            LOG.warn("ingest did not stop within {} s", timeout.toSeconds());
        }
        sealExecutor.shutdownNow(); // the stores stopped their seals when they closed
        archives.close();
        return closed;
    }

    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }
}
