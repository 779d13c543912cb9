package dev.itar.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.itar.archive.ArchiveVerifier;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seal that fails for a storage reason leaves its recording pending and is retried with backoff, while every
 * other recording goes on; once storage is back it seals exactly once. (Here the fault is a directory standing
 * where the archive must go; the integration tests fill a real file system.)
 */
class SealRetryTest {
    static final long T = 1_600_000_000_000_000L;
    static final long TS = 1_700_000_000_000L;
    static final long FIRST_RETRY_MS = 1000;

    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper();
    private IngestMetrics metrics;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> frames;
    private TestOutputTopic<String, String> sealed;
    private long timestamp = TS;

    @BeforeEach
    void start() {
        IngestConfig config = IngestConfig.of(Map.of(IngestConfig.ARCHIVE_DIR, tmp.resolve("archives").toString(),
                IngestConfig.STATE_DIR, tmp.resolve("state").toString()));
        metrics = new IngestMetrics();
        driver = new TopologyTestDriver(IngestTopology.build(config, metrics, new DirectExecutor(),
                TestArchiveStores.of(config)),
                config.streamsProperties(), Instant.ofEpochMilli(TS));
        frames = driver.createInputTopic(config.framesTopic(), new ByteArraySerializer(), new ByteArraySerializer());
        sealed = driver.createOutputTopic(config.sealedTopic(), new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void pipe(TestRecordings rec) {
        for (TestRecordings.Rec r : rec.records()) {
            frames.pipeInput(new TestRecord<>(r.keyBytes(), r.value(), new RecordHeaders(), timestamp += 10));
        }
    }

    private List<String> sealedIds() throws Exception {
        driver.advanceWallClockTime(RecordingProcessor.SEAL_POLL);
        List<String> ids = new ArrayList<>();
        for (TestRecord<String, String> r : sealed.readRecordsToList()) {
            JsonNode e = json.readTree(r.value());
            ids.add(e.get("recording_id").asText());
        }
        return ids;
    }

    private static TestRecordings recording(String id, long t) {
        return new TestRecordings(id).camera("cam0", t).pose(t).camera("cam0", t + 100_000).end(null);
    }

    @Test
    void aSealThatCannotBeWrittenWaitsAndOtherRecordingsGoOn() throws Exception {
        Path archives = tmp.resolve("archives");
        Path blocked = Files.createDirectories(archives.resolve("stuck.ncore4.zarr.itar"));
        Files.writeString(blocked.resolve("in-the-way"), "x");

        pipe(recording("stuck", T));
        pipe(recording("fine-1", T));
        assertThat(sealedIds()).containsExactly("fine-1");
        assertThat(metrics.pendingSeals()).containsOnlyKeys("stuck/0");
        assertThat(metrics.pendingSeals().get("stuck/0")).contains("stuck.ncore4.zarr.itar");
        assertThat(metrics.sealFailures()).isEqualTo(1);

        // it is retried with backoff; meanwhile more recordings are ingested and sealed
        driver.advanceWallClockTime(Duration.ofMillis(FIRST_RETRY_MS));
        pipe(recording("fine-2", T + 1_000_000));
        assertThat(sealedIds()).containsExactly("fine-2");
        assertThat(metrics.sealFailures()).isEqualTo(2);

        // storage is back: the next retry seals it, once
        Files.delete(blocked.resolve("in-the-way"));
        Files.delete(blocked);
        driver.advanceWallClockTime(Duration.ofMillis(2 * FIRST_RETRY_MS));
        assertThat(sealedIds()).containsExactly("stuck");
        assertThat(metrics.pendingSeals()).isEmpty();
        assertThat(ArchiveVerifier.verify(archives.resolve("stuck.ncore4.zarr.itar")).problems()).isEmpty();
        driver.advanceWallClockTime(Duration.ofMillis(10 * FIRST_RETRY_MS));
        assertThat(sealedIds()).isEmpty();
    }
}
