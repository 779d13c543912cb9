package dev.itar.ingest;


import dev.itar.zarr.RootDialect;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngestConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        IngestConfig c = IngestConfig.load(null, Map.of());
        assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(c.applicationId()).isEqualTo("itar-ingest");
        assertThat(c.framesTopic()).isEqualTo("vehicle-frames");
        assertThat(c.deadLetterTopic()).isEqualTo("vehicle-frames-dlq");
        assertThat(c.sealedTopic()).isEqualTo("recordings-sealed");
        assertThat(c.archiveDir()).isEqualTo(Path.of("./archives"));
        assertThat(c.stateDir()).isEqualTo(Path.of("./state"));
        assertThat(c.recordingIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.archiveDialect()).isEqualTo(RootDialect.PR68);
        assertThat(c.topicPartitions()).isEqualTo(6);
        assertThat(c.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(c.maxMessageBytes()).isEqualTo(16777216);
    }

    @Test
    void repositoryFileStatesExactlyTheBuiltInDefaults() throws IOException {
        Path file = Path.of("config", "application.properties");
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        }
        Map<String, String> fromFile = new java.util.TreeMap<>();
        p.stringPropertyNames().forEach(k -> fromFile.put(k, p.getProperty(k)));
        assertThat(fromFile).isEqualTo(new java.util.TreeMap<>(IngestConfig.DEFAULTS));
        assertThat(IngestConfig.load(file, Map.of()).values()).isEqualTo(IngestConfig.load(null, Map.of()).values());
    }

    @Test
    void environmentOverridesFileAndDefaults(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "bootstrap.servers=file:1\narchive.dir=/from/file\nnum.stream.threads=2\n");
        IngestConfig c = IngestConfig.load(file, Map.of(
                "ITAR_BOOTSTRAP_SERVERS", "env:9093",
                "ITAR_STATE_DIR", "/var/lib/itar/state",
                "ITAR_APPLICATION_ID", "ingest-b",
                "ITAR_RECORDING_IDLE_TIMEOUT_MS", "1500",
                "ITAR_TOPIC_DEAD_LETTERS", "dlq",
                "ITAR_ARCHIVE_DIALECT", "ncore20-zlib",
                "PATH", "/usr/bin",
                "ITAR_EMPTY", ""));
        assertThat(c.bootstrapServers()).isEqualTo("env:9093");
        assertThat(c.origin("bootstrap.servers")).isEqualTo("environment ITAR_BOOTSTRAP_SERVERS");
        assertThat(c.archiveDir()).isEqualTo(Path.of("/from/file"));
        assertThat(c.origin("archive.dir")).isEqualTo("file " + file);
        assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/itar/state"));
        assertThat(c.applicationId()).isEqualTo("ingest-b");
        assertThat(c.recordingIdleTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.deadLetterTopic()).isEqualTo("dlq");
        assertThat(c.archiveDialect()).isEqualTo(RootDialect.NCORE20_ZLIB);
        assertThat(c.values()).doesNotContainKeys("path", "empty");

        Properties streams = c.streamsProperties();
        assertThat(streams.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("env:9093");
        assertThat(streams.getProperty(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("ingest-b");
        assertThat(streams.getProperty(StreamsConfig.STATE_DIR_CONFIG)).isEqualTo("/var/lib/itar/state");
        assertThat(streams.getProperty("num.stream.threads")).isEqualTo("2");
        assertThat(streams).doesNotContainKeys("archive.dir", "topic.frames", "recording.idle.timeout.ms");
    }

    @Test
    void staticMembershipAndStandbysComeFromTheEnvironmentAsKafkaStreamsReadsThem() {
        IngestConfig c = IngestConfig.load(null, Map.of(
                "ITAR_GROUP_INSTANCE_ID", "ingestor-2",
                "ITAR_NUM_STANDBY_REPLICAS", "1"));
        assertThat(c.groupInstanceId()).hasValue("ingestor-2");
        assertThat(c.origin("group.instance.id")).isEqualTo("environment ITAR_GROUP_INSTANCE_ID");
        StreamsConfig streams = new StreamsConfig(c.streamsProperties());
        assertThat(streams.getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(1);
        // each stream thread's consumer is a static member of its own; the restore consumer is in no group
        assertThat(streams.getMainConsumerConfigs("itar-ingest", "client", 2))
                .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "ingestor-2-2");
        assertThat(streams.getRestoreConsumerConfigs("client")).doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);

        assertThat(IngestConfig.load(null, Map.of()).groupInstanceId()).isEmpty();
        assertThat(IngestConfig.of(Map.of("group.instance.id", "a", "consumer.group.instance.id", "b"))
                .groupInstanceId()).as("the consumer prefix wins, as in Kafka Streams").hasValue("b");
    }

    @Test
    void envOnlyKafkaSettingsPassThroughToStreamsAndAdmin() {
        IngestConfig c = IngestConfig.load(null, Map.of(
                "ITAR_SECURITY_PROTOCOL", "SASL_SSL",
                "ITAR_SASL_MECHANISM", "PLAIN",
                "ITAR_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required;",
                "ITAR_PRODUCER_LINGER_MS", "5"));
        Properties streams = c.streamsProperties();
        assertThat(streams.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(streams.getProperty("sasl.mechanism")).isEqualTo("PLAIN");
        assertThat(streams.getProperty("sasl.jaas.config")).startsWith("org.apache.kafka");
        assertThat(streams.getProperty("producer.linger.ms")).isEqualTo("5");
        assertThat(c.adminProperties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("bootstrap.servers", "127.0.0.1:9092")
                .doesNotContainKey("producer.linger.ms");
        assertThat(c.describe()).contains("sasl.jaas.config = ********").doesNotContain("PlainLoginModule");
    }

    @Test
    void theFrameReaderOfRestoresGetsTheConsumerSettingsReadsCommittedRecordsAndJoinsNoGroup() {
        IngestConfig c = IngestConfig.load(null, Map.of(
                "ITAR_SECURITY_PROTOCOL", "SASL_SSL",
                "ITAR_CONSUMER_FETCH_MAX_BYTES", "1000",
                "ITAR_RESTORE_CONSUMER_FETCH_MAX_BYTES", "2000",
                "ITAR_CONSUMER_ISOLATION_LEVEL", "read_uncommitted",
                "ITAR_GROUP_INSTANCE_ID", "veh-a",
                "ITAR_PRODUCER_LINGER_MS", "5"));
        assertThat(c.inputReaderProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("bootstrap.servers", "127.0.0.1:9092")
                .as("restore.consumer.* over consumer.*, as for Kafka Streams' restore consumer")
                .containsEntry("fetch.max.bytes", "2000")
                .as("a record's worth ahead unless restore.consumer.* says otherwise")
                .containsEntry("max.partition.fetch.bytes", c.streamsProperties()
                        .getProperty("consumer.max.partition.fetch.bytes"))
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", "false")
                .doesNotContainKeys("group.id", "group.instance.id", "linger.ms", "producer.linger.ms");
        assertThat(IngestConfig.load(null, Map.of("ITAR_CONSUMER_FETCH_MAX_BYTES", "1000")).inputReaderProperties())
                .containsEntry("fetch.max.bytes", "16777216");
    }

    @Test
    void clientSizeLimitsFollowMaxMessageBytes() {
        IngestConfig c = IngestConfig.load(null, Map.of("ITAR_MAX_MESSAGE_BYTES", "33554432"));
        Properties streams = c.streamsProperties();
        // what we write (dead letters = input + headers) gets 1 MiB more than what we read
        assertThat(streams.getProperty("producer.max.request.size")).isEqualTo("34603008");
        assertThat(streams.getProperty("consumer.max.partition.fetch.bytes")).isEqualTo("33554432");
        assertThat(streams.getProperty(StreamsConfig.topicPrefix("max.message.bytes"))).isEqualTo("34603008");
        assertThat(c.outputMaxMessageBytes()).isEqualTo(34603008);
        assertThat(c.with("max.message.bytes", "2048").streamsProperties().getProperty("consumer.max.partition.fetch.bytes"))
                .isEqualTo("2048");
        // an explicit larger producer limit is kept
        assertThat(c.with("producer.max.request.size", "99999999").streamsProperties()
                .getProperty("producer.max.request.size")).isEqualTo("99999999");
    }

    @Test
    void invalidValuesNameTheKeyAndTheirOrigin() {
        assertThatThrownBy(() -> IngestConfig.load(null, Map.of("ITAR_RECORDING_IDLE_TIMEOUT_MS", "soon")))
                .isInstanceOf(IngestConfigException.class)
                .hasMessageContaining("recording.idle.timeout.ms")
                .hasMessageContaining("ITAR_RECORDING_IDLE_TIMEOUT_MS")
                .hasMessageContaining("'soon'");
        assertThatThrownBy(() -> IngestConfig.load(null, Map.of("ITAR_TOPIC_PARTITIONS", "0")))
                .hasMessageContaining("topic.partitions").hasMessageContaining("[1, 100000]");
        assertThatThrownBy(() -> IngestConfig.load(null, Map.of("ITAR_ARCHIVE_DIALECT", "zip")))
                .hasMessageContaining("archive.dialect").hasMessageContaining("pr68");
        assertThatThrownBy(() -> IngestConfig.load(null, Map.of("ITAR_PROCESSING_GUARANTEE", "exactly_once")))
                .hasMessageContaining("processing.guarantee").hasMessageContaining("exactly_once_v2");
        assertThatThrownBy(() -> IngestConfig.load(null, Map.of("ITAR_TOPIC_FRAMES", "bad topic")))
                .hasMessageContaining("topic.frames");
        assertThatThrownBy(() -> IngestConfig.load(null, Map.of("ITAR_TOPIC_SEALED", "vehicle-frames")))
                .hasMessageContaining("topics must differ");
        assertThatThrownBy(() -> IngestConfig.load(null, Map.of("ITAR_BOOTSTRAP_SERVERS", " ")))
                .hasMessageContaining("bootstrap.servers").hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> IngestConfig.of(Map.of("max.message.bytes", "12")))
                .satisfies(e -> assertThat(((IngestConfigException) e).key()).isEqualTo("max.message.bytes"));
    }

    @Test
    void unknownKeysInOurNamespacesAreTypos(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "recording.idle.timeout=100\n");
        assertThatThrownBy(() -> IngestConfig.load(file, Map.of()))
                .isInstanceOf(IngestConfigException.class)
                .hasMessageContaining("unknown configuration key 'recording.idle.timeout'")
                .hasMessageContaining("recording.idle.timeout.ms")
                .hasMessageContaining(file.toString());
    }

    @Test
    void missingFileAndBrokenReferencesAreReported(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> IngestConfig.load(dir.resolve("nope.properties"), Map.of()))
                .hasMessageContaining("nope.properties").hasMessageContaining("does not exist");
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "producer.max.request.size=${max.request}\n");
        assertThatThrownBy(() -> IngestConfig.load(file, Map.of()))
                .hasMessageContaining("producer.max.request.size").hasMessageContaining("${max.request}");
        Files.writeString(file, "a.b=${c.d}\nc.d=${a.b}\n");
        assertThatThrownBy(() -> IngestConfig.load(file, Map.of())).hasMessageContaining("cycle");
    }

    @Test
    void envNameIsUpperCaseWithUnderscores() {
        assertThat(IngestConfig.envName("recording.idle.timeout.ms")).isEqualTo("ITAR_RECORDING_IDLE_TIMEOUT_MS");
        assertThat(IngestConfig.envName("topic.dead.letters")).isEqualTo("ITAR_TOPIC_DEAD_LETTERS");
    }

    @Test
    void s3SettingsComeFromTheirKeysOrTheEnvironmentAndStayOutOfKafkaStreams() {
        IngestConfig c = IngestConfig.load(null, Map.of("ITAR_S3_ENDPOINT", "http://127.0.0.1:9000",
                "ITAR_S3_REGION", "eu-central-1", "ITAR_S3_PATH_STYLE", "true", "ITAR_S3_ACCESS_KEY_ID", "id",
                "ITAR_S3_SECRET_ACCESS_KEY", "secret", "ITAR_S3_PARTS_IN_FLIGHT", "3"));
        dev.itar.storage.S3Settings s = c.storageSettings();
        assertThat(s.endpoint()).hasValueSatisfying(u -> assertThat(u.toString()).isEqualTo("http://127.0.0.1:9000"));
        assertThat(s.region()).contains("eu-central-1");
        assertThat(s.pathStyle()).contains(true);
        assertThat(s.partsInFlight()).isEqualTo(3);
        assertThat(s.partBytes()).isEqualTo(8 << 20);
        assertThat(c.streamsProperties().stringPropertyNames()).noneMatch(k -> k.startsWith("s3."));
        assertThat(c.describe()).doesNotContain("secret\n").contains("s3.secret.access.key = ********");
        assertThat(IngestConfig.load(null, Map.of()).storageSettings().endpoint()).isEmpty();
    }

    @Test
    void invalidS3SettingsAndUnknownS3KeysNameTheKeyAndItsOrigin() {
        assertThatThrownBy(() -> IngestConfig.load(null, Map.of("ITAR_S3_PART_BYTES", "1024")))
                .isInstanceOfSatisfying(IngestConfigException.class, e -> assertThat(e.key()).isEqualTo("s3.part.bytes"))
                .hasMessageContaining("environment ITAR_S3_PART_BYTES");
        assertThatThrownBy(() -> IngestConfig.of(Map.of("s3.endpont", "http://x")))
                .isInstanceOf(IngestConfigException.class).hasMessageContaining("s3.endpoint");
    }

    @Test
    void anS3ArchiveDirIsALocationNotADirectory() {
        IngestConfig c = IngestConfig.of(Map.of(IngestConfig.ARCHIVE_DIR, "s3://fleet-archives/ingest"));
        assertThat(c.archivesInS3()).isTrue();
        assertThat(c.archiveLocation()).isEqualTo("s3://fleet-archives/ingest");
        assertThatThrownBy(c::archiveDir).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("s3://fleet-archives/ingest").hasMessageContaining("not a directory");
        assertThatThrownBy(() -> IngestConfig.of(Map.of(IngestConfig.ARCHIVE_DIR, "s3://x")))
                .isInstanceOfSatisfying(IngestConfigException.class, e -> assertThat(e.key()).isEqualTo("archive.dir"))
                .hasMessageContaining("bucket name");
        IngestConfig local = IngestConfig.load(null, Map.of());
        assertThat(local.archiveLocation()).isEqualTo("./archives");
        assertThat(local.archivesInS3()).isFalse();
    }
}
