package dev.itar.ingest;

import dev.itar.storage.S3Settings;
import dev.itar.storage.S3Uri;
import dev.itar.zarr.RootDialect;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration of the ingest application: built-in defaults, then a properties file
 * ({@code config/application.properties}), then environment variables.
 *
 * <p>Environment: every key {@code a.b.c} can be set by {@code ITAR_A_B_C} (the key upper-cased,
 * dots as underscores). An {@code ITAR_*} variable whose key appears nowhere else maps back to
 * the lower-cased key with underscores as dots, so Kafka client settings such as
 * {@code ITAR_SECURITY_PROTOCOL} or {@code ITAR_SASL_JAAS_CONFIG} work without a file. Empty
 * variables are ignored (compose files often write {@code ITAR_X=} for "unset").
 *
 * <p>Keys this application defines are validated here (an invalid value is an
 * {@link IngestConfigException} naming the key and where the value came from). Every other key
 * passes through unchanged to the Kafka Streams configuration, so {@code security.*},
 * {@code sasl.*}, {@code ssl.*}, {@code producer.*}, {@code consumer.*}, {@code topic.*} and
 * Streams' own settings work as Kafka documents them. Values may refer to other keys as
 * {@code ${key}} (the file uses {@code ${max.message.bytes}} for the client size limits, so one
 * setting moves them all).
 */
public final class IngestConfig {
    /** The file {@code run} reads when no {@code --config} is given (relative to the working directory). */
    public static final Path DEFAULT_FILE = Path.of("config", "application.properties");
    /** Extra room for what we write over what we read (dead-letter headers, changelog keys): 1 MiB. */
    public static final int OUTPUT_HEADROOM_BYTES = 1024 * 1024;
    /** Prefix of the environment variables that override keys. */
    public static final String ENV_PREFIX = "ITAR_";

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String APPLICATION_ID = "application.id";
    public static final String TOPIC_FRAMES = "topic.frames";
    public static final String TOPIC_DEAD_LETTERS = "topic.dead.letters";
    public static final String TOPIC_SEALED = "topic.sealed";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "topic.replication.factor";
    public static final String TOPIC_FRAMES_TIMESTAMP_TYPE = "topic.frames.timestamp.type";
    public static final String ARCHIVE_DIR = "archive.dir";
    public static final String ARCHIVE_DIALECT = "archive.dialect";
    public static final String STATE_DIR = "state.dir";
    public static final String RECORDING_IDLE_TIMEOUT_MS = "recording.idle.timeout.ms";
    public static final String RECORDING_IDLE_CHECK_INTERVAL_MS = "recording.idle.check.interval.ms";
    /** Sensor-time length of a segment (each sealed as an archive of its own); 0 = one archive per recording. */
    public static final String RECORDING_SEGMENT_DURATION_MS = "recording.segment.duration.ms";
    /** How late (in sensor time) a record may be behind the newest of its recording before its segment seals. */
    public static final String RECORDING_SEGMENT_GRACE_MS = "recording.segment.grace.ms";
    /** First wait before a failed seal is tried again; it doubles with every failure, up to the max. */
    public static final String RECORDING_SEAL_RETRY_INITIAL_MS = "recording.seal.retry.initial.ms";
    public static final String RECORDING_SEAL_RETRY_MAX_MS = "recording.seal.retry.max.ms";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    /** Interface of the status endpoint (/health, /recordings, /metrics). */
    public static final String HTTP_HOST = "http.host";
    /** Off-heap memory of all RocksDB stores of the instance together (block cache and memtables). */
    public static final String ROCKSDB_MEMORY_BYTES = "rocksdb.memory.bytes";
    /** Port of the status endpoint: 0 = any free port, -1 = no endpoint. */
    public static final String HTTP_PORT = "http.port";

    /** Keys validated here; of these only the Streams ones are also handed to Kafka Streams. */
    private static final Set<String> OWN_KEYS = Set.copyOf(Stream.concat(Stream.of(BOOTSTRAP_SERVERS, APPLICATION_ID,
            TOPIC_FRAMES, TOPIC_DEAD_LETTERS, TOPIC_SEALED, TOPIC_PARTITIONS, TOPIC_REPLICATION_FACTOR,
            TOPIC_FRAMES_TIMESTAMP_TYPE, ARCHIVE_DIR, ARCHIVE_DIALECT, STATE_DIR, RECORDING_IDLE_TIMEOUT_MS,
            RECORDING_IDLE_CHECK_INTERVAL_MS, RECORDING_SEGMENT_DURATION_MS, RECORDING_SEGMENT_GRACE_MS,
            RECORDING_SEAL_RETRY_INITIAL_MS, RECORDING_SEAL_RETRY_MAX_MS,
            PROCESSING_GUARANTEE, MAX_MESSAGE_BYTES, HTTP_HOST, HTTP_PORT, ROCKSDB_MEMORY_BYTES),
            S3Settings.KEYS.stream()).toList());
    /** Namespaces that belong to this application only: an unknown key there is a typo, not a Kafka setting. */
    private static final List<String> OWN_NAMESPACES = List.of("archive.", "recording.", "s3.");

    /**
     * Built-in defaults; {@code config/application.properties} in the repository documents the same
     * values (a test keeps the two equal).
     */
    static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        d.put(APPLICATION_ID, "itar-ingest");
        d.put(TOPIC_FRAMES, "vehicle-frames");
        d.put(TOPIC_DEAD_LETTERS, "vehicle-frames-dlq");
        d.put(TOPIC_SEALED, "recordings-sealed");
        d.put(TOPIC_PARTITIONS, "6");
        d.put(TOPIC_REPLICATION_FACTOR, "-1");
        d.put(TOPIC_FRAMES_TIMESTAMP_TYPE, "LogAppendTime");
        d.put(ARCHIVE_DIR, "./archives");
        d.put(ARCHIVE_DIALECT, "pr68");
        d.put(STATE_DIR, "./state");
        d.put(RECORDING_IDLE_TIMEOUT_MS, "60000");
        d.put(RECORDING_IDLE_CHECK_INTERVAL_MS, "5000");
        d.put(RECORDING_SEGMENT_DURATION_MS, "60000");
        d.put(RECORDING_SEGMENT_GRACE_MS, "2000");
        d.put(RECORDING_SEAL_RETRY_INITIAL_MS, "1000");
        d.put(RECORDING_SEAL_RETRY_MAX_MS, "60000");
        d.put(PROCESSING_GUARANTEE, "exactly_once_v2");
        // exactly-once commits stall the stream thread; 1 s amortises them (outputs visible up to 1 s later)
        d.put("commit.interval.ms", "1000");
        // state stores commit with each transaction instead of being wiped and restored after a crash (KIP-892);
        // the unsealed-archive store relies on it to cut its files back to the last commit
        d.put("enable.transactional.statestores", "true");
        d.put(MAX_MESSAGE_BYTES, "16777216");
        // records queued per input partition before Streams pauses fetching it: Kafka's 1000 would be GBs of
        // production-rig frames per partition when ingest runs behind the fetcher; a few dozen keep the thread fed
        d.put("buffered.records.per.partition", "32");
        d.put(ROCKSDB_MEMORY_BYTES, "67108864");
        d.put(HTTP_HOST, "127.0.0.1");
        d.put(HTTP_PORT, "8080");
        d.put(S3Settings.PART_BYTES, Integer.toString(S3Settings.DEFAULT_PART_BYTES));
        d.put(S3Settings.PARTS_IN_FLIGHT, Integer.toString(S3Settings.DEFAULT_PARTS_IN_FLIGHT));
        d.put("producer.max.request.size", "${max.message.bytes}");
        d.put("producer.buffer.memory", "67108864");
        // changelog records are single chunks of a few KB: large batches mean far fewer produce requests
        d.put("producer.batch.size", "1048576");
        // a transaction spans one commit interval (seals run beside it); a dead instance's open one holds its
        // tasks' new owner until the broker aborts it at this age
        d.put("producer.transaction.timeout.ms", "30000");
        d.put("consumer.max.partition.fetch.bytes", "${max.message.bytes}");
        d.put("consumer.fetch.max.bytes", "67108864");
        d.put("consumer.max.poll.interval.ms", "600000");
        d.put("topic.max.message.bytes", "${max.message.bytes}");
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern APPLICATION_ID_SYNTAX = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z0-9._-]+)}");
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|secret|jaas|token|credential).*");

    /** Resolved values, sorted by key. */
    private final SortedMap<String, String> values;
    /** Values before {@code ${...}} resolution, so {@link #with} re-resolves references. */
    private final Map<String, String> raw;
    /** Where each value came from ("default", "file …", "environment ITAR_…"), for error messages and logs. */
    private final Map<String, String> origins;

    private final String bootstrapServers;
    private final String applicationId;
    private final String framesTopic;
    private final String deadLetterTopic;
    private final String sealedTopic;
    private final int topicPartitions;
    private final short topicReplicationFactor;
    private final String framesTimestampType;
    private final String archiveLocation;
    private final Path archiveDir;
    private final S3Settings s3Settings;
    private final RootDialect archiveDialect;
    private final Path stateDir;
    private final Duration recordingIdleTimeout;
    private final Duration idleCheckInterval;
    private final Duration segmentDuration;
    private final Duration segmentGrace;
    private final Duration sealRetryInitial;
    private final Duration sealRetryMax;
    private final String processingGuarantee;
    private final int maxMessageBytes;
    private final String httpHost;
    private final int httpPort;
    private final long rocksDbMemoryBytes;

    private IngestConfig(Map<String, String> raw, Map<String, String> origins) {
        this.origins = Map.copyOf(origins);
        this.raw = Map.copyOf(raw);
        this.values = Collections.unmodifiableSortedMap(resolveReferences(raw));
        for (String key : values.keySet()) {
            for (String ns : OWN_NAMESPACES) {
                if (key.startsWith(ns) && !OWN_KEYS.contains(key)) {
                    throw new IngestConfigException(key, "unknown configuration key '" + key + "' (from "
                            + origin(key) + "); keys under '" + ns + "' are: " + ownKeysUnder(ns));
                }
            }
        }
        bootstrapServers = nonBlank(BOOTSTRAP_SERVERS);
        applicationId = matching(APPLICATION_ID, APPLICATION_ID_SYNTAX, "letters, digits, '.', '_', '-'");
        framesTopic = matching(TOPIC_FRAMES, TOPIC_NAME, "a Kafka topic name: 1-249 letters, digits, '.', '_', '-'");
        deadLetterTopic = matching(TOPIC_DEAD_LETTERS, TOPIC_NAME, "a Kafka topic name: 1-249 letters, digits, '.', '_', '-'");
        sealedTopic = matching(TOPIC_SEALED, TOPIC_NAME, "a Kafka topic name: 1-249 letters, digits, '.', '_', '-'");
        if (framesTopic.equals(deadLetterTopic) || framesTopic.equals(sealedTopic) || deadLetterTopic.equals(sealedTopic)) {
            throw new IngestConfigException(TOPIC_FRAMES, "topics must differ: " + TOPIC_FRAMES + "=" + framesTopic
                    + ", " + TOPIC_DEAD_LETTERS + "=" + deadLetterTopic + ", " + TOPIC_SEALED + "=" + sealedTopic);
        }
        topicPartitions = (int) longIn(TOPIC_PARTITIONS, 1, 100_000);
        long rf = longIn(TOPIC_REPLICATION_FACTOR, -1, Short.MAX_VALUE);
        if (rf == 0) {
            throw new IngestConfigException(TOPIC_REPLICATION_FACTOR, invalid(TOPIC_REPLICATION_FACTOR,
                    "a replication factor ≥ 1, or -1 for the broker's default"));
        }
        topicReplicationFactor = (short) rf;
        framesTimestampType = oneOf(TOPIC_FRAMES_TIMESTAMP_TYPE, List.of("LogAppendTime", "CreateTime"));
        archiveLocation = nonBlank(ARCHIVE_DIR);
        if (S3Uri.isS3(archiveLocation)) {
            try {
                S3Uri.parse(archiveLocation);
            } catch (IllegalArgumentException e) {
                throw new IngestConfigException(ARCHIVE_DIR, invalid(ARCHIVE_DIR, "a directory or s3://bucket/prefix ("
                        + e.getMessage() + ")"));
            }
            archiveDir = null;
        } else {
            archiveDir = path(ARCHIVE_DIR);
        }
        s3Settings = s3Settings();
        try {
            archiveDialect = RootDialect.fromCliName(nonBlank(ARCHIVE_DIALECT));
        } catch (IllegalArgumentException e) {
            throw new IngestConfigException(ARCHIVE_DIALECT, invalid(ARCHIVE_DIALECT, e.getMessage()));
        }
        stateDir = path(STATE_DIR);
        recordingIdleTimeout = Duration.ofMillis(longIn(RECORDING_IDLE_TIMEOUT_MS, 1, Long.MAX_VALUE / 4));
        idleCheckInterval = Duration.ofMillis(longIn(RECORDING_IDLE_CHECK_INTERVAL_MS, 1, Long.MAX_VALUE / 4));
        segmentDuration = Duration.ofMillis(longIn(RECORDING_SEGMENT_DURATION_MS, 0, Long.MAX_VALUE / 4000));
        segmentGrace = Duration.ofMillis(longIn(RECORDING_SEGMENT_GRACE_MS, 0, Long.MAX_VALUE / 4000));
        sealRetryInitial = Duration.ofMillis(longIn(RECORDING_SEAL_RETRY_INITIAL_MS, 1, Long.MAX_VALUE / 4));
        sealRetryMax = Duration.ofMillis(longIn(RECORDING_SEAL_RETRY_MAX_MS, sealRetryInitial.toMillis(),
                Long.MAX_VALUE / 4));
        if (!segmentDuration.isZero() && segmentGrace.compareTo(segmentDuration) >= 0) {
            throw new IngestConfigException(RECORDING_SEGMENT_GRACE_MS, invalid(RECORDING_SEGMENT_GRACE_MS,
                    "less than " + RECORDING_SEGMENT_DURATION_MS + " (" + segmentDuration.toMillis() + ")"));
        }
        processingGuarantee = oneOf(PROCESSING_GUARANTEE,
                List.of(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE));
        maxMessageBytes = (int) longIn(MAX_MESSAGE_BYTES, 1024, Integer.MAX_VALUE);
        httpHost = nonBlank(HTTP_HOST);
        httpPort = (int) longIn(HTTP_PORT, -1, 65535);
        rocksDbMemoryBytes = longIn(ROCKSDB_MEMORY_BYTES, 1L << 20, Long.MAX_VALUE);
    }

    /**
     * Loads the configuration.
     *
     * @param file a properties file, or {@code null} for built-in defaults only; a named file must exist
     * @param env  the environment (pass {@code System.getenv()}; tests pass a map)
     */
    public static IngestConfig load(Path file, Map<String, String> env) {
        Map<String, String> raw = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> origins = new LinkedHashMap<>();
        DEFAULTS.keySet().forEach(k -> origins.put(k, "built-in default"));
        if (file != null) {
            Properties props = readProperties(file);
            for (String key : new TreeMap<>(toStringMap(props)).keySet()) {
                raw.put(key, props.getProperty(key).trim());
                origins.put(key, "file " + file);
            }
        }
        // Environment overrides: first the keys we know of (so ITAR_TOPIC_DEAD_LETTERS finds topic.dead.letters),
        // then every other ITAR_ variable as lower-case dotted key.
        Map<String, String> byEnvName = new TreeMap<>();
        for (String key : raw.keySet()) {
            byEnvName.put(envName(key), key);
        }
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ENV_PREFIX) || name.length() == ENV_PREFIX.length()
                    || e.getValue() == null || e.getValue().isEmpty()) {
                continue;
            }
            String key = byEnvName.getOrDefault(name,
                    name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'));
            raw.put(key, e.getValue().trim());
            origins.put(key, "environment " + name);
        }
        return new IngestConfig(raw, origins);
    }

    /** Built-in defaults overlaid with {@code overrides} (no file, no environment); for tests and embedding. */
    public static IngestConfig of(Map<String, String> overrides) {
        Map<String, String> raw = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> origins = new LinkedHashMap<>();
        DEFAULTS.keySet().forEach(k -> origins.put(k, "built-in default"));
        new TreeMap<>(overrides).forEach((k, v) -> {
            raw.put(k, v);
            origins.put(k, "override");
        });
        return new IngestConfig(raw, origins);
    }

    /** This configuration with one more key set (validated again). */
    public IngestConfig with(String key, String value) {
        Map<String, String> r = new LinkedHashMap<>(raw);
        Map<String, String> o = new LinkedHashMap<>(origins);
        r.put(key, value);
        o.put(key, "override");
        return new IngestConfig(r, o);
    }

    /** The environment variable that overrides {@code key}: {@code ITAR_} + upper case, dots as underscores. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String applicationId() {
        return applicationId;
    }

    public String framesTopic() {
        return framesTopic;
    }

    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    public String sealedTopic() {
        return sealedTopic;
    }

    public int topicPartitions() {
        return topicPartitions;
    }

    /** Replication factor for the topics this application creates; -1 = the broker's default. */
    public short topicReplicationFactor() {
        return topicReplicationFactor;
    }

    /** {@code message.timestamp.type} for the frames topic when this application creates it. */
    public String framesTimestampType() {
        return framesTimestampType;
    }

    /**
     * {@code archive.dir} as a local directory.
     *
     * @throws IllegalStateException when it is an {@code s3://} location (see {@link #archiveLocation()})
     */
    public Path archiveDir() {
        if (archiveDir == null) {
            throw new IllegalStateException("'" + ARCHIVE_DIR + "' is " + archiveLocation + " (from "
                    + origin(ARCHIVE_DIR) + "), not a directory");
        }
        return archiveDir;
    }

    /** Whether archives go to S3 ({@code archive.dir} is {@code s3://bucket/prefix}). */
    public boolean archivesInS3() {
        return archiveDir == null;
    }

    /** {@code archive.dir} as given: a directory or {@code s3://bucket/prefix}, for {@code ArchiveStores.open}. */
    public String archiveLocation() {
        return archiveLocation;
    }

    /** How to reach S3 when {@code archive.dir} is an {@code s3://} location (the {@code s3.*} keys). */
    public S3Settings storageSettings() {
        return s3Settings;
    }

    public RootDialect archiveDialect() {
        return archiveDialect;
    }

    public Path stateDir() {
        return stateDir;
    }

    public Duration recordingIdleTimeout() {
        return recordingIdleTimeout;
    }

    /** How often the wall-clock punctuator looks for idle recordings. */
    public Duration idleCheckInterval() {
        return idleCheckInterval;
    }

    public String processingGuarantee() {
        return processingGuarantee;
    }

    /** First wait before a failed seal is retried (doubling with each failure). */
    public Duration sealRetryInitial() {
        return sealRetryInitial;
    }

    /** Longest wait between retries of a failed seal. */
    public Duration sealRetryMax() {
        return sealRetryMax;
    }

    /** How recordings are cut into segments (sensor time is in microseconds). */
    public SegmentPolicy segmentPolicy() {
        return new SegmentPolicy(segmentDuration.toMillis() * 1000, segmentDuration.isZero() ? 0
                : segmentGrace.toMillis() * 1000);
    }

    /** Largest record (topic {@code max.message.bytes}) of every topic this application creates or writes. */
    /** The off-heap budget of all RocksDB stores together, see {@link BoundedRocksDbMemory}. */
    public long rocksDbMemoryBytes() {
        return rocksDbMemoryBytes;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /**
     * Largest record this application writes: {@link #maxMessageBytes()} plus {@link #OUTPUT_HEADROOM_BYTES}.
     * A dead letter is an input record plus error headers, and a changelog record holds one chunk of an input
     * record under a longer key, so what we write can be a little larger than the largest record we read.
     */
    public int outputMaxMessageBytes() {
        return (int) Math.min(Integer.MAX_VALUE, (long) maxMessageBytes + OUTPUT_HEADROOM_BYTES);
    }

    /** Interface the status endpoint listens on (default 127.0.0.1: not exposed unless asked for). */
    public String httpHost() {
        return httpHost;
    }

    /** Port of the status endpoint; 0 = any free port, -1 = disabled. */
    public int httpPort() {
        return httpPort;
    }

    /**
     * The static group membership id ({@code group.instance.id}, e.g. from {@code ITAR_GROUP_INSTANCE_ID}), as Kafka
     * Streams reads it for its consumers ({@code main.consumer.} and {@code consumer.} prefixes first); each stream
     * thread's consumer joins as {@code <id>-<thread number>}. Empty: dynamic membership.
     */
    public Optional<String> groupInstanceId() {
        for (String prefix : List.of(StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.CONSUMER_PREFIX, "")) {
            String v = values.get(prefix + ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
            if (v != null && !v.isBlank()) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** Every resolved value, sorted by key (secrets included: do not log this; see {@link #describe()}). */
    public SortedMap<String, String> values() {
        return values;
    }

    /** Where the value of {@code key} came from, e.g. "environment ITAR_STATE_DIR". */
    public String origin(String key) {
        return origins.getOrDefault(key, "unknown");
    }

    /** Properties for {@code new KafkaStreams(...)}: our Streams keys plus every key that is not ours. */
    public Properties streamsProperties() {
        Properties p = new Properties();
        values.forEach((k, v) -> {
            if (!OWN_KEYS.contains(k)) {
                p.put(k, v);
            }
        });
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        // one stream thread per core unless set: recordings of different partitions then use every core
        p.putIfAbsent(StreamsConfig.NUM_STREAM_THREADS_CONFIG,
                Integer.toString(Runtime.getRuntime().availableProcessors()));
        // one bounded block cache and write-buffer budget for every RocksDB store, unless a setter of one's own is set
        if (p.putIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class.getName()) == null) {
            p.put(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, Long.toString(rocksDbMemoryBytes));
        }
        // what we write must fit: raise (never lower) the producer's and the changelogs' limits to the output size
        atLeast(p, StreamsConfig.producerPrefix("max.request.size"), outputMaxMessageBytes());
        atLeast(p, StreamsConfig.topicPrefix("max.message.bytes"), outputMaxMessageBytes());
        return p;
    }

    private static void atLeast(Properties p, String key, long min) {
        String v = p.getProperty(key);
        long current;
        try {
            current = v == null ? 0 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IngestConfigException(key, "invalid value '" + v + "' for '" + key + "': expected an integer");
        }
        if (current < min) {
            p.put(key, Long.toString(min));
        }
    }

    /**
     * Properties for an admin client (topic creation): bootstrap servers, the un-prefixed client settings
     * (security, SASL, SSL, ...) that an admin client understands, and {@code admin.*} with the prefix removed.
     */
    public Map<String, Object> adminProperties() {
        Map<String, Object> p = clientSettings(AdminClientConfig.configNames());
        putPrefixed(p, StreamsConfig.ADMIN_CLIENT_PREFIX);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }

    /** The values that are not ours and that a client with these setting names understands, as they are. */
    private Map<String, Object> clientSettings(Set<String> clientKeys) {
        Map<String, Object> p = new TreeMap<>();
        values.forEach((k, v) -> {
            if (!OWN_KEYS.contains(k) && clientKeys.contains(k)) {
                p.put(k, v);
            }
        });
        return p;
    }

    /** Puts every value whose key starts with {@code prefix} into {@code p}, the prefix removed. */
    private void putPrefixed(Map<String, Object> p, String prefix) {
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                p.put(k.substring(prefix.length()), v);
            }
        });
    }

    /**
     * Properties for the consumer that re-reads frames for a restore ({@link InputTopicReader}): the un-prefixed
     * client settings a consumer understands (security, SASL, SSL, ...), {@code consumer.*}, a fetch of
     * {@code max.message.bytes}, then {@code restore.consumer.*}, prefixes removed, as Kafka Streams' own restore
     * consumer gets them; committed records only, and no group, so it commits nothing.
     */
    public Map<String, Object> inputReaderProperties() {
        Map<String, Object> p = clientSettings(ConsumerConfig.configNames());
        putPrefixed(p, StreamsConfig.CONSUMER_PREFIX);
        // a reader holds one fetch ahead of the frame it restores, per task restored or followed: a record's
        // worth, not the stream threads' larger fetch
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(maxMessageBytes));
        putPrefixed(p, StreamsConfig.RESTORE_CONSUMER_PREFIX);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, applicationId + "-frame-restore");
        return p;
    }

    /** One line per key with its origin, secrets masked; for the startup log. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append("  ").append(k).append(" = ")
                .append(SECRET_KEY.matcher(k).matches() ? "********" : v)
                .append("    (").append(origin(k)).append(")\n"));
        return sb.toString();
    }

    private static Properties readProperties(Path file) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (NoSuchFileException e) {
            throw new IngestConfigException("config", "configuration file " + file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IngestConfigException("config", "configuration file " + file + " is not a valid properties file: "
                    + e.getMessage());
        }
        return props;
    }

    private static Map<String, String> toStringMap(Properties props) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String name : props.stringPropertyNames()) {
            m.put(name, props.getProperty(name));
        }
        return m;
    }

    /** Replaces {@code ${key}} references by the referenced values (references may chain; cycles are an error). */
    private SortedMap<String, String> resolveReferences(Map<String, String> raw) {
        SortedMap<String, String> out = new TreeMap<>();
        for (String key : raw.keySet()) {
            out.put(key, resolve(key, raw, new java.util.ArrayList<>()));
        }
        return out;
    }

    private String resolve(String key, Map<String, String> raw, List<String> path) {
        if (path.contains(key)) {
            path.add(key);
            throw new IngestConfigException(path.get(0), "configuration references form a cycle: "
                    + String.join(" -> ", path));
        }
        path.add(key);
        String value = raw.get(key);
        Matcher m = REFERENCE.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String ref = m.group(1);
            if (!raw.containsKey(ref)) {
                throw new IngestConfigException(key, "'" + key + "' (from " + origin(key) + ") refers to ${"
                        + ref + "}, which is not set");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(resolve(ref, raw, path)));
        }
        m.appendTail(sb);
        path.remove(path.size() - 1);
        return sb.toString();
    }

    private String invalid(String key, String expected) {
        return "invalid value '" + values.get(key) + "' for '" + key + "' (from " + origin(key) + "): expected "
                + expected;
    }

    private String nonBlank(String key) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            throw new IngestConfigException(key, "'" + key + "' (from " + origin(key) + ") must not be empty");
        }
        return v;
    }

    private String matching(String key, Pattern syntax, String expected) {
        String v = nonBlank(key);
        if (!syntax.matcher(v).matches()) {
            throw new IngestConfigException(key, invalid(key, expected));
        }
        return v;
    }

    private String oneOf(String key, List<String> allowed) {
        String v = nonBlank(key);
        if (!allowed.contains(v)) {
            throw new IngestConfigException(key, invalid(key, "one of " + allowed));
        }
        return v;
    }

    private long longIn(String key, long min, long max) {
        String v = nonBlank(key);
        long n;
        try {
            n = Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IngestConfigException(key, invalid(key, "an integer in [" + min + ", " + max + "]"));
        }
        if (n < min || n > max) {
            throw new IngestConfigException(key, invalid(key, "an integer in [" + min + ", " + max + "]"));
        }
        return n;
    }

    private S3Settings s3Settings() {
        try {
            return S3Settings.from(values::get);
        } catch (IllegalArgumentException e) {
            String key = S3Settings.KEYS.stream().filter(k -> String.valueOf(e.getMessage()).startsWith(k)).findFirst()
                    .orElse(S3Settings.ENDPOINT);
            throw new IngestConfigException(key, e.getMessage() + " (from " + origin(key) + ")");
        }
    }

    private Path path(String key) {
        String v = nonBlank(key);
        try {
            return Path.of(v);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IngestConfigException(key, invalid(key, "a file system path (" + e.getReason() + ")"));
        }
    }

    private static String ownKeysUnder(String ns) {
        return String.join(", ", OWN_KEYS.stream().filter(k -> k.startsWith(ns)).sorted().toList());
    }

    @Override
    public String toString() {
        return "IngestConfig[application.id=" + applicationId + ", bootstrap.servers=" + bootstrapServers
                + ", topic.frames=" + framesTopic + ", archive.dir=" + archiveLocation + "]";
    }
}
