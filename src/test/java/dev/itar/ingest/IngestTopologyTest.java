package dev.itar.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.itar.frames.InvalidRecordException;
import dev.itar.frames.LidarFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.frames.WireEncoder;
import dev.itar.ncore.SequenceReader;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static dev.itar.ingest.TestRecordings.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** The topology against Kafka Streams' TopologyTestDriver: every wire-format rule, sealing, dead letters. */
class IngestTopologyTest {
    static final long IDLE_MS = 60_000;
    static final long T = 1_600_000_000_000_000L; // frame times (µs)
    static final long TS = 1_700_000_000_000L;    // record timestamps (ms)

    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper();
    private IngestMetrics metrics;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> frames;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private TestOutputTopic<String, String> sealed;
    private IngestConfig config;
    private long nextTimestamp = TS;

    @BeforeEach
    void start() {
        driver = newDriver(tmp.resolve("archives"), tmp.resolve("state"));
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    private TopologyTestDriver newDriver(Path archives, Path state) {
        return newDriver(archives, state, Map.of());
    }

    private TopologyTestDriver newDriver(Path archives, Path state, Map<String, String> more) {
        Map<String, String> settings = new java.util.HashMap<>(more);
        settings.put(IngestConfig.ARCHIVE_DIR, archives.toString());
        settings.put(IngestConfig.STATE_DIR, state.toString());
        settings.put(IngestConfig.RECORDING_IDLE_TIMEOUT_MS, Long.toString(IDLE_MS));
        settings.put(IngestConfig.RECORDING_IDLE_CHECK_INTERVAL_MS, "1000");
        config = IngestConfig.of(settings);
        metrics = new IngestMetrics();
        Properties props = config.streamsProperties();
        TopologyTestDriver d = new TopologyTestDriver(IngestTopology.build(config, metrics, new DirectExecutor(),
                TestArchiveStores.of(config)), props,
                Instant.ofEpochMilli(TS));
        frames = d.createInputTopic(config.framesTopic(), new ByteArraySerializer(), new ByteArraySerializer());
        deadLetters = d.createOutputTopic(config.deadLetterTopic(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        sealed = d.createOutputTopic(config.sealedTopic(), new StringDeserializer(), new StringDeserializer());
        return d;
    }

    // ------------------------------------------------------------------------------------------ helpers

    private void pipe(TestRecordings recording) {
        recording.records().forEach(this::pipe);
        settle();
    }

    /** Lets the processor pick up seals that finished (it does so on its next record or seal poll). */
    private void settle() {
        driver.advanceWallClockTime(RecordingProcessor.SEAL_POLL);
    }

    private void pipe(TestRecordings.Rec rec) {
        pipe(rec.keyBytes(), rec.value());
    }

    private void pipe(byte[] key, byte[] value) {
        pipeAt(key, value, nextTimestamp);
        nextTimestamp += 10;
    }

    private void pipeAt(byte[] key, byte[] value, long timestamp) {
        frames.pipeInput(new TestRecord<>(key, value, new RecordHeaders(), timestamp));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private JsonNode onlySealedEvent() throws IOException {
        settle();
        List<TestRecord<String, String>> events = sealed.readRecordsToList();
        assertThat(events).hasSize(1);
        return json.readTree(events.get(0).value());
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private Path archive(String id) {
        return tmp.resolve("archives").resolve(id + ".ncore4.zarr.itar");
    }

    private List<String> keysOf(String store, String id) {
        KeyValueStore<Bytes, byte[]> s = driver.getKeyValueStore(store);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = s.all()) {
            it.forEachRemaining(kv -> {
                String k = new String(kv.key.get(), StandardCharsets.UTF_8);
                if (k.startsWith(id + "\0") || k.equals(id)) {
                    keys.add(k);
                }
            });
        }
        return keys;
    }

    private void assertDeadLetter(TestRecord<byte[], byte[]> dl, byte[] key, byte[] value, String code,
                                  String reasonPart) {
        assertThat(dl.key()).isEqualTo(key);
        assertThat(dl.value()).isEqualTo(value);
        assertThat(header(dl.headers(), DeadLetters.CODE)).isEqualTo(code);
        assertThat(header(dl.headers(), DeadLetters.REASON)).contains(reasonPart);
        assertThat(header(dl.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo(config.framesTopic());
        assertThat(header(dl.headers(), DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(dl.headers(), DeadLetters.SOURCE_OFFSET)).matches("\\d+");
    }

    /** A recording with every kind of record; frames deliberately out of t1 order. */
    private static TestRecordings fullRecording(String id) {
        return new TestRecordings(id)
                .start("seq-" + id, JSON.objectNode().put("vehicle", "test-car").put("run", 7))
                .staticPose("cam0", 1.2)
                .staticPose("top", 0.0)
                .cameraIntrinsics("cam0")
                .camera("cam0", T + 200_000)
                .pose(T)
                .camera("cam0", T + 100_000)
                .lidar("top", T + 100_000, 64, 2)
                .radar("front", T + 150_000, 16, 1)
                .pose(T + 100_000)
                .camera("cam0", T + 300_000)
                .lidar("top", T + 50_000, 32, 3)
                .pose(T + 50_000)
                .end(T + 400_000);
    }

    // ------------------------------------------------------------------------------------------ sealing

    @Test
    void endSealsAnArchiveHoldingExactlyTheFramesSortedByT1() throws IOException {
        TestRecordings rec = fullRecording("drive-1");
        pipe(rec);

        Path archive = archive("drive-1");
        assertThat(archive).exists();
        assertThat(tmp.resolve("archives/drive-1.json")).exists();
        ArchiveAssertions.assertArchiveHolds(archive, rec.frames());
        try (SequenceReader reader = SequenceReader.open(archive)) {
            assertThat(reader.header().sequenceId()).isEqualTo("seq-drive-1");
            assertThat(reader.header().genericMetaData()).isEqualTo(JSON.objectNode().put("vehicle", "test-car")
                    .put("run", 7));
            assertThat(reader.frameTimestamps("cameras/cam0")).extracting(t -> t[1])
                    .containsExactly(T + 100_000, T + 200_000, T + 300_000);
            assertThat(reader.frameTimestamps("lidars/top")).extracting(t -> t[1])
                    .containsExactly(T + 50_000, T + 100_000);
            assertThat(reader.intervalStop()).isGreaterThan(T + 400_000);
        }
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(metrics.seals()).isEqualTo(1);
        assertThat(metrics.recordsAccepted("camera")).isEqualTo(3);
    }

    @Test
    void rocksDbStoresKeepTheirMemoryInTheOneBoundedCache() {
        long budget = (48L << 20) + 4096; // a budget of this test's own: the cache is shared per budget in the JVM
        driver.close();
        driver = newDriver(tmp.resolve("archives-2"), tmp.resolve("state-2"),
                Map.of(IngestConfig.ROCKSDB_MEMORY_BYTES, Long.toString(budget)));
        assertThat(BoundedRocksDbMemory.usage(budget)).as("memtables are charged to the shared cache").isPositive();
        pipe(fullRecording("drive-1"));

        assertThat(BoundedRocksDbMemory.usage(budget)).isPositive().isLessThanOrEqualTo(budget);
        assertThat(config.streamsProperties().getProperty("rocksdb.config.setter"))
                .isEqualTo(BoundedRocksDbMemory.class.getName());
        assertThat(IngestConfig.of(Map.of("rocksdb.config.setter", "com.example.OwnSetter")).streamsProperties())
                .as("an operator's own setter wins").containsEntry("rocksdb.config.setter", "com.example.OwnSetter")
                .doesNotContainKey(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG);
    }

    @Test
    void sealedEventDescribesTheArchive() throws IOException {
        pipe(fullRecording("drive-2"));
        JsonNode e = onlySealedEvent();
        Path archive = archive("drive-2");
        assertThat(e.get("recording_id").asText()).isEqualTo("drive-2");
        assertThat(e.get("sequence_id").asText()).isEqualTo("seq-drive-2");
        assertThat(e.get("trigger").asText()).isEqualTo("end");
        assertThat(e.get("archive").asText()).isEqualTo(archive.toAbsolutePath().normalize().toString());
        assertThat(e.get("bytes").asLong()).isEqualTo(Files.size(archive));
        assertThat(e.get("sha256").asText()).isEqualTo(ArchiveAssertions.sha256(archive));
        assertThat(e.get("md5").asText()).matches("[0-9a-f]{32}");
        assertThat(e.get("interval_start_us").asLong()).isLessThanOrEqualTo(T);
        assertThat(e.get("interval_stop_us").asLong()).isGreaterThan(T + 400_000);
        assertThat(json.convertValue(e.get("frames_per_sensor"), Map.class))
                .isEqualTo(Map.of("cameras/cam0", 3, "lidars/top", 2, "radars/front", 1));
        assertThat(json.convertValue(e.get("records"), Map.class)).isEqualTo(Map.of("start", 1, "static_pose", 2,
                "intrinsics", 1, "camera", 3, "lidar", 2, "radar", 1, "pose", 3, "end", 1));
        assertThat(e.get("duplicates").asLong()).isZero();
        assertThat(e.get("dead_letters").asLong()).isZero();
    }

    @Test
    void sealingDeletesTheRecordingsStateAndRemembersIt() {
        TestRecordings rec = fullRecording("drive-3");
        List<TestRecordings.Rec> all = rec.records();
        all.subList(0, all.size() - 1).forEach(this::pipe);
        assertThat(keysOf(RecordingStore.STATE, "drive-3")).hasSizeGreaterThan(10);
        Path segmentFiles = tmp.resolve("state").resolve(config.applicationId()).resolve("0_0")
                .resolve(UnsealedArchiveStoreSupplier.NAME);
        assertThat(segmentFiles.resolve("drive-3.0.itar")).exists();

        pipe(rec.last());
        settle();
        assertThat(keysOf(RecordingStore.STATE, "drive-3")).isEmpty();
        assertThat(segmentFiles.resolve("drive-3.0.itar")).doesNotExist(); // renamed into the archive directory
        assertThat(segmentFiles.resolve("drive-3.0.items")).doesNotExist();
        assertThat(keysOf(RecordingStore.SEALED, "drive-3")).containsExactly("drive-3");
    }

    @Test
    void sealingDeletesTheTempFilesAnInterruptedSealOfTheSameRecordingLeft() throws IOException {
        Path archives = tmp.resolve("archives");
        Files.createDirectories(archives);
        FileTime beforeStart = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
        Path staleArchive = Files.write(archives.resolve(".drive-5.ncore4.zarr.itar.8127364512.partial"), new byte[10]);
        Path staleMeta = Files.write(archives.resolve(".drive-5.json.55.partial"), new byte[3]);
        // a temp file of recording "drive-5.ncore4.zarr.itar.9", whose name extends drive-5's prefix
        Path otherRecording = Files.write(archives.resolve(".drive-5.ncore4.zarr.itar.9.ncore4.zarr.itar.1.partial"),
                new byte[1]);
        // written after this task started: an instance that lost the task (a zombie) may still be sealing
        Path zombies = Files.write(archives.resolve(".drive-5.ncore4.zarr.itar.77.partial"), new byte[1]);
        for (Path p : List.of(staleArchive, staleMeta, otherRecording)) {
            Files.setLastModifiedTime(p, beforeStart);
        }
        Files.setLastModifiedTime(zombies, FileTime.fromMillis(System.currentTimeMillis() + 60_000));

        pipe(fullRecording("drive-5"));

        assertThat(archive("drive-5")).exists();
        assertThat(staleArchive).doesNotExist();
        assertThat(staleMeta).doesNotExist();
        assertThat(otherRecording).exists();
        assertThat(zombies).exists();
    }

    @Test
    void anEndAloneSealsAnEmptyRecording() throws IOException {
        pipe(new TestRecordings("empty-1").end(null));
        assertThat(archive("empty-1")).exists();
        assertThat(onlySealedEvent().get("frames_per_sensor").size()).isZero();
        ArchiveAssertions.assertArchiveHolds(archive("empty-1"), List.of());
    }

    @Test
    void replayingTheSameRecordsGivesTheSameArchiveBytes() throws IOException {
        pipe(fullRecording("drive-4"));
        String first = ArchiveAssertions.sha256(archive("drive-4"));
        driver.close();
        nextTimestamp = TS;
        driver = newDriver(tmp.resolve("archives-2"), tmp.resolve("state-2"));
        pipe(fullRecording("drive-4"));
        assertThat(ArchiveAssertions.sha256(tmp.resolve("archives-2/drive-4.ncore4.zarr.itar"))).isEqualTo(first);
    }

    // ------------------------------------------------------------------------------------------ dead letters

    @Test
    void badKeysAreDeadLettersWithTheOriginalBytes() {
        byte[] value = WireEncoder.encode(TestRecordings.cameraFrame("cam0", T, 0));
        byte[] notUtf8 = {(byte) 0xC3, (byte) 0x28};
        pipe(utf8("../x"), value);
        pipe(null, value);
        pipe(notUtf8, value);
        pipe(utf8("a".repeat(129)), value);

        List<TestRecord<byte[], byte[]>> dl = deadLetters.readRecordsToList();
        assertThat(dl).hasSize(4);
        assertDeadLetter(dl.get(0), utf8("../x"), value, InvalidRecordException.BAD_KEY, "'../x'");
        assertDeadLetter(dl.get(1), null, value, InvalidRecordException.BAD_KEY, "no key");
        assertDeadLetter(dl.get(2), notUtf8, value, InvalidRecordException.BAD_KEY, "not UTF-8");
        assertDeadLetter(dl.get(3), utf8("a".repeat(129)), value, InvalidRecordException.BAD_KEY, "129 chars");
        assertThat(dl).extracting(r -> header(r.headers(), DeadLetters.SOURCE_OFFSET))
                .containsExactly("0", "1", "2", "3");
        assertThat(tmp.resolve("archives")).doesNotExist();
        assertThat(metrics.deadLetters(InvalidRecordException.BAD_KEY)).isEqualTo(4);
    }

    @Test
    void invalidValuesAreDeadLettersWithTheDecodersReasonAndCode() {
        byte[] garbage = {(byte) 0xBF, 0x61, 0x76, 0x01}; // indefinite map, never closed
        byte[] wrongVersion = WireEncoder.encode(TestRecordings.cameraFrame("cam0", T, 0));
        wrongVersion[3] = 0x02; // {"v": 1, ...} → {"v": 2, ...}: map head, text head, "v", then the value
        LidarFrame good = TestRecordings.lidarFrame("top", T, 8, 2);
        LidarFrame badLength = new LidarFrame("top", good.t0(), good.t1(), 8, 2,
                Arrays.copyOf(good.direction(), 8 * 3 * 4 - 4), good.timestampUs(), good.distanceM(),
                good.intensity(), null, null, null);
        byte[] badLidar = WireEncoder.encode(badLength);
        byte[] notAMap = {0x01};

        pipe(utf8("rec-a"), garbage);
        pipe(utf8("rec-a"), wrongVersion);
        pipe(utf8("rec-a"), badLidar);
        pipe(utf8("rec-a"), notAMap);
        pipe(utf8("rec-a"), null);

        List<TestRecord<byte[], byte[]>> dl = deadLetters.readRecordsToList();
        assertThat(dl).hasSize(5);
        assertDeadLetter(dl.get(0), utf8("rec-a"), garbage, InvalidRecordException.BAD_CBOR, "");
        assertDeadLetter(dl.get(1), utf8("rec-a"), wrongVersion, InvalidRecordException.BAD_VERSION, "2");
        assertDeadLetter(dl.get(2), utf8("rec-a"), badLidar, InvalidRecordException.BAD_LENGTH, "direction");
        assertThat(header(dl.get(3).headers(), DeadLetters.CODE)).isNotBlank();
        assertThat(dl.get(4).value()).isNull();
        assertThat(header(dl.get(4).headers(), DeadLetters.REASON)).isNotBlank();
        // bad input does not open a recording
        assertThat(keysOf(RecordingStore.STATE, "rec-a")).isEmpty();
        assertThat(metrics.openRecordings()).isZero();
    }

    @Test
    void deadLettersKeepTheOriginalHeadersAndLeaveTheValidRecordingIntact() throws IOException {
        TestRecordings rec = fullRecording("good-1");
        List<TestRecordings.Rec> all = rec.records();
        Headers original = new RecordHeaders().add("trace-id", utf8("abc")).add(DeadLetters.CODE, utf8("stale"));
        for (int i = 0; i < all.size(); i++) {
            pipe(all.get(i));
            if (i == 3) {
                frames.pipeInput(new TestRecord<>(utf8("good-1"), utf8("not cbor"), original, nextTimestamp++));
                pipe(utf8("../good-1"), all.get(i).value());
            }
        }
        List<TestRecord<byte[], byte[]>> dl = deadLetters.readRecordsToList();
        assertThat(dl).hasSize(2);
        assertThat(header(dl.get(0).headers(), "trace-id")).isEqualTo("abc");
        assertThat(header(dl.get(0).headers(), DeadLetters.CODE)).isEqualTo(InvalidRecordException.BAD_CBOR);
        assertThat(dl.get(0).headers().headers(DeadLetters.CODE)).hasSize(1);
        ArchiveAssertions.assertArchiveHolds(archive("good-1"), rec.frames());
        assertThat(onlySealedEvent().get("dead_letters").asLong()).isEqualTo(1);
    }

    @Test
    void exactRepeatsAreIgnoredAndCounted() throws IOException {
        TestRecordings rec = new TestRecordings("dup-1").camera("cam0", T).pose(T).staticPose("cam0", 1)
                .cameraIntrinsics("cam0").start(null, null);
        pipe(rec);
        pipe(rec); // every record again, byte for byte
        pipe(new TestRecordings("dup-1").end(null).last());

        assertThat(deadLetters.isEmpty()).isTrue();
        JsonNode e = onlySealedEvent();
        assertThat(e.get("duplicates").asLong()).isEqualTo(5);
        assertThat(e.get("records").get("camera").asLong()).isEqualTo(1);
        assertThat(metrics.duplicates()).isEqualTo(5);
        ArchiveAssertions.assertArchiveHolds(archive("dup-1"), rec.frames());
    }

    /** A camera frame, a pose and a static pose: one record of each identity that other content conflicts with. */
    private static TestRecordings threeIdentities(String id) {
        return new TestRecordings(id).camera("cam0", T).pose(T).staticPose("cam0", 1);
    }

    /**
     * Sends other content under each identity of {@link #threeIdentities}, then the recording's end, and checks that
     * exactly those three records became {@code conflicting-duplicate} dead letters naming what they collided with.
     */
    private void assertOtherContentUnderEachIdentityConflicts(String id) {
        byte[] otherImage = WireEncoder.encode(TestRecordings.cameraFrame("cam0", T, 1));
        byte[] otherPose = WireEncoder.encode(new PoseFrame("rig", "world", T, TestRecordings.rigid(0.5, 1, 2, 3)));
        byte[] otherStatic = WireEncoder.encode(new StaticPoseFrame("cam0", "rig", TestRecordings.rigid(0.2, 0, 0, 0)));
        pipe(utf8(id), otherImage);
        pipe(utf8(id), otherPose);
        pipe(utf8(id), otherStatic);
        pipe(new TestRecordings(id).end(null).last());

        List<TestRecord<byte[], byte[]>> dl = deadLetters.readRecordsToList();
        assertThat(dl).hasSize(3);
        assertDeadLetter(dl.get(0), utf8(id), otherImage, DeadLetters.CONFLICTING_DUPLICATE,
                "camera frame of sensor 'cam0' at t1=" + T);
        assertDeadLetter(dl.get(1), utf8(id), otherPose, DeadLetters.CONFLICTING_DUPLICATE, "pose rig -> world");
        assertDeadLetter(dl.get(2), utf8(id), otherStatic, DeadLetters.CONFLICTING_DUPLICATE, "static pose");
    }

    @Test
    void sameSensorAndTimeWithOtherContentIsAConflict() throws IOException {
        TestRecordings rec = threeIdentities("conf-1");
        pipe(rec);
        assertOtherContentUnderEachIdentityConflicts("conf-1");
        ArchiveAssertions.assertArchiveHolds(archive("conf-1"), rec.frames());
        assertThat(onlySealedEvent().get("dead_letters").asLong()).isEqualTo(3);
    }

    /** The processor's state stores, read and written as the processor does. */
    private RecordingStore recordingStore() {
        return new RecordingStore(driver.getKeyValueStore(RecordingStore.STATE),
                driver.getKeyValueStore(RecordingStore.SEALED));
    }

    /**
     * Rewrites the fingerprints of a recording's {@link #threeIdentities} as the release before stored them: the
     * SHA-256 of each record.
     */
    private void withLegacyFingerprints(TestRecordings rec) {
        RecordingStore store = recordingStore();
        List<TestRecordings.Rec> r = rec.records();
        assertThat(store.frameFingerprint(rec.id(), 0, "cameras", "cam0", T)).get().asString().startsWith("crc:");
        store.putFrameFingerprint(rec.id(), 0, "cameras", "cam0", T,
                RecordFingerprintTest.legacyFingerprint(r.get(0).value()));
        store.putPoseFingerprint(rec.id(), 0, "rig", "world", T,
                RecordFingerprintTest.legacyFingerprint(r.get(1).value()));
        store.putStaticPose(rec.id(), new StateRecords.StaticPoseRecord(
                RecordFingerprintTest.legacyFingerprint(r.get(2).value()), (StaticPoseFrame) r.get(2).frame()));
    }

    @Test
    void retriesOfRecordsTheReleaseBeforeAcceptedAreDuplicatesAndOtherContentStillConflicts() throws IOException {
        TestRecordings rec = threeIdentities("legacy-1");
        pipe(rec);
        withLegacyFingerprints(rec);
        pipe(rec); // producer retries of records accepted before the upgrade
        assertOtherContentUnderEachIdentityConflicts("legacy-1");
        JsonNode e = onlySealedEvent();
        assertThat(e.get("duplicates").asLong()).isEqualTo(3);
        assertThat(e.get("dead_letters").asLong()).isEqualTo(3);
        ArchiveAssertions.assertArchiveHolds(archive("legacy-1"), rec.frames());
    }

    @Test
    void aStoredFingerprintOfNoKnownSpellingStopsTheTaskNamingItRatherThanGuessing() {
        TestRecordings rec = threeIdentities("legacy-2");
        pipe(rec);
        recordingStore().putFrameFingerprint("legacy-2", 0, "cameras", "cam0", T, "md5:0123");

        assertThatThrownBy(() -> pipe(rec.records().get(0)))
                .rootCause().isInstanceOf(StateFormatException.class)
                .hasMessageStartingWith("recording-state entry of the camera frame of sensor 'cam0' at t1=" + T
                        + " of recording 'legacy-2': record fingerprint 'md5:0123' is neither");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void recordsAfterTheSealAreLate() throws IOException {
        TestRecordings rec = new TestRecordings("late-1").camera("cam0", T).end(null);
        pipe(rec);
        String sha = ArchiveAssertions.sha256(archive("late-1"));
        byte[] late = WireEncoder.encode(TestRecordings.cameraFrame("cam0", T + 1000, 0));
        pipe(utf8("late-1"), late);
        pipe(rec.last()); // the end again
        pipe(utf8("late-1"), utf8("garbage"));

        List<TestRecord<byte[], byte[]>> dl = deadLetters.readRecordsToList();
        assertThat(dl).hasSize(3);
        assertDeadLetter(dl.get(0), utf8("late-1"), late, DeadLetters.LATE, "late for a sealed recording");
        assertThat(dl).extracting(r -> header(r.headers(), DeadLetters.CODE)).containsOnly(DeadLetters.LATE);
        assertThat(sealed.readRecordsToList()).hasSize(1);
        assertThat(ArchiveAssertions.sha256(archive("late-1"))).isEqualTo(sha);
        assertThat(keysOf(RecordingStore.STATE, "late-1")).isEmpty();
    }

    // ------------------------------------------------------------------------------------------ start

    @Test
    void aStartAfterFramesStillAppliesAndASecondDifferentStartIsRejected() throws IOException {
        TestRecordings rec = new TestRecordings("start-1").camera("cam0", T)
                .start("late-start-seq", JSON.objectNode().put("k", "v"));
        pipe(rec);
        pipe(rec.last()); // identical start: a retry
        byte[] second = WireEncoder.encode(new dev.itar.frames.StartFrame(java.util.Optional.of("other"), null));
        pipe(utf8("start-1"), second);
        pipe(new TestRecordings("start-1").end(null).last());

        List<TestRecord<byte[], byte[]>> dl = deadLetters.readRecordsToList();
        assertThat(dl).hasSize(1);
        assertDeadLetter(dl.get(0), utf8("start-1"), second, DeadLetters.SECOND_START, "already has a start");
        JsonNode e = onlySealedEvent();
        assertThat(e.get("sequence_id").asText()).isEqualTo("late-start-seq");
        assertThat(e.get("duplicates").asLong()).isEqualTo(1);
        try (SequenceReader reader = SequenceReader.open(archive("start-1"))) {
            assertThat(reader.header().sequenceId()).isEqualTo("late-start-seq");
            assertThat(reader.header().genericMetaData().get("k").asText()).isEqualTo("v");
        }
    }

    @Test
    void withoutStartTheSequenceIdIsTheRecordingId() throws IOException {
        pipe(new TestRecordings("nostart-1").camera("cam0", T).end(null));
        try (SequenceReader reader = SequenceReader.open(archive("nostart-1"))) {
            assertThat(reader.header().sequenceId()).isEqualTo("nostart-1");
        }
    }

    // ------------------------------------------------------------------------------------------ idle sealing

    @Test
    void anIdleRecordingIsSealedWhenStreamTimePassesItsTimeout() throws IOException {
        TestRecordings a = new TestRecordings("idle-a").camera("cam0", T).pose(T);
        for (TestRecordings.Rec r : a.records()) {
            pipeAt(r.keyBytes(), r.value(), TS);
        }
        TestRecordings b = new TestRecordings("idle-b").camera("cam0", T);
        // exactly at the timeout: not yet idle
        pipeAt(b.last().keyBytes(), b.last().value(), TS + IDLE_MS);
        assertThat(sealed.isEmpty()).isTrue();
        // a record out of order (older) does not move stream time back
        pipeAt(b.add(TestRecordings.cameraFrame("cam0", T + 1, 0)).last().keyBytes(), b.last().value(), TS);
        assertThat(sealed.isEmpty()).isTrue();
        // one millisecond later stream time passes last timestamp + timeout
        pipeAt(b.add(TestRecordings.cameraFrame("cam0", T + 2, 0)).last().keyBytes(), b.last().value(),
                TS + IDLE_MS + 1);
        JsonNode e = onlySealedEvent();
        assertThat(e.get("recording_id").asText()).isEqualTo("idle-a");
        assertThat(e.get("trigger").asText()).isEqualTo(SealedEvent.TRIGGER_IDLE_STREAM_TIME);
        ArchiveAssertions.assertArchiveHolds(archive("idle-a"), a.frames());
        assertThat(archive("idle-b")).doesNotExist();
        assertThat(keysOf(RecordingStore.STATE, "idle-b")).isNotEmpty();
    }

    @Test
    void aQuietPartitionSealsIdleRecordingsByWallClock() throws IOException {
        TestRecordings a = new TestRecordings("quiet-a").camera("cam0", T).lidar("top", T, 16, 1);
        for (TestRecordings.Rec r : a.records()) {
            pipeAt(r.keyBytes(), r.value(), TS);
        }
        driver.advanceWallClockTime(Duration.ofMillis(IDLE_MS - 1000));
        assertThat(sealed.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofMillis(2000));
        JsonNode e = onlySealedEvent();
        assertThat(e.get("recording_id").asText()).isEqualTo("quiet-a");
        assertThat(e.get("trigger").asText()).isEqualTo(SealedEvent.TRIGGER_IDLE_WALL_CLOCK);
        ArchiveAssertions.assertArchiveHolds(archive("quiet-a"), a.frames());
        assertThat(keysOf(RecordingStore.STATE, "quiet-a")).isEmpty();
    }

    @Test
    void wallClockSealingWaitsWhileRecordsKeepArriving() {
        TestRecordings a = new TestRecordings("busy-a").camera("cam0", T);
        pipeAt(a.last().keyBytes(), a.last().value(), TS);
        TestRecordings b = new TestRecordings("busy-b");
        // the partition keeps delivering records (with old timestamps, e.g. a lagging consumer catching up):
        // recording busy-a must not be sealed by the wall clock
        for (int i = 0; i < 5; i++) {
            driver.advanceWallClockTime(Duration.ofMillis(IDLE_MS / 2));
            b.add(TestRecordings.cameraFrame("cam0", T + i, 0));
            pipeAt(b.last().keyBytes(), b.last().value(), TS);
        }
        assertThat(sealed.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofMillis(IDLE_MS + 1000));
        settle();
        List<TestRecord<String, String>> events = sealed.readRecordsToList();
        assertThat(events).extracting(TestRecord::key).containsExactly("busy-a", "busy-b");
    }

    @Test
    void lidarFramesKeepTheirNaNGaps() throws IOException {
        TestRecordings rec = new TestRecordings("nan-1").lidar("top", T, 50, 2).end(null);
        pipe(rec);
        LidarFrame sent = (LidarFrame) rec.frames().get(0);
        float[] d = new float[100];
        java.nio.ByteBuffer.wrap(sent.distanceM()).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(d);
        assertThat(d).contains(Float.NaN);
        ArchiveAssertions.assertArchiveHolds(archive("nan-1"), rec.frames());
    }

    @Test
    void metricsCountWhatHappened() {
        pipe(new TestRecordings("m-1").camera("cam0", T).camera("cam0", T + 1).pose(T).end(null));
        pipe(utf8("../m"), utf8("x"));
        assertThat(metrics.recordsAccepted("camera")).isEqualTo(2);
        assertThat(metrics.recordsAccepted("pose")).isEqualTo(1);
        assertThat(metrics.deadLetters(InvalidRecordException.BAD_KEY)).isEqualTo(1);
        assertThat(metrics.seals()).isEqualTo(1);
        assertThat(metrics.archiveBytes()).isGreaterThan(0);
        assertThat(metrics.openRecordings()).isZero();
        assertThat(metrics.recordsAcceptedByType()).containsExactly(entry("camera", 2L), entry("end", 1L),
                entry("pose", 1L));
        assertThat(metrics.sealsByTrigger()).containsExactly(entry("end", 1L));
        assertThat(metrics.registry().scrape())
                .contains("itar_records_accepted_total{type=\"camera\"} 2.0")
                .contains("itar_seals_total{trigger=\"end\"} 1.0")
                .contains("itar_open_recordings 0.0");
    }
}
