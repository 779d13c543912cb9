package dev.itar.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.itar.archive.ArchiveVerifier;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.SensorFrame;
import dev.itar.ncore.SequenceReader;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Long recordings cut into segments by sensor time, each a complete sequence, live and on replay. */
class SegmentsTest {
    static final long T = 1_600_000_000_000_000L; // sensor times (µs)
    static final long TS = 1_700_000_000_000L;    // record timestamps (ms)
    static final long SECOND = 1_000_000;

    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper();

    /** A driver with 1 s segments and 200 ms grace, writing to {@code dir}. */
    private final class Run implements AutoCloseable {
        final Path archives;
        final TopologyTestDriver driver;
        final TestInputTopic<byte[], byte[]> frames;
        final TestOutputTopic<byte[], byte[]> deadLetters;
        final TestOutputTopic<String, String> sealed;
        long timestamp = TS;

        Run(Path dir) {
            archives = dir.resolve("archives");
            IngestConfig config = IngestConfig.of(Map.of(
                    IngestConfig.ARCHIVE_DIR, archives.toString(),
                    IngestConfig.STATE_DIR, dir.resolve("state").toString(),
                    IngestConfig.RECORDING_SEGMENT_DURATION_MS, "1000",
                    IngestConfig.RECORDING_SEGMENT_GRACE_MS, "200"));
            driver = new TopologyTestDriver(IngestTopology.build(config, new IngestMetrics(), new DirectExecutor(),
                    TestArchiveStores.of(config)),
                    config.streamsProperties(), Instant.ofEpochMilli(TS));
            frames = driver.createInputTopic(config.framesTopic(), new ByteArraySerializer(), new ByteArraySerializer());
            deadLetters = driver.createOutputTopic(config.deadLetterTopic(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            sealed = driver.createOutputTopic(config.sealedTopic(), new StringDeserializer(), new StringDeserializer());
        }

        void pipe(TestRecordings.Rec r) {
            frames.pipeInput(new TestRecord<>(r.keyBytes(), r.value(), new RecordHeaders(), timestamp));
            timestamp += 10;
        }

        void pipeAll(TestRecordings rec) {
            rec.records().forEach(this::pipe);
            settle();
        }

        void settle() {
            driver.advanceWallClockTime(RecordingProcessor.SEAL_POLL);
        }

        List<JsonNode> events() throws IOException {
            List<JsonNode> out = new ArrayList<>();
            for (TestRecord<String, String> r : sealed.readRecordsToList()) {
                out.add(json.readTree(r.value()));
            }
            return out;
        }

        Path segment(String id, int k) {
            return archives.resolve(id + "-" + String.format("%05d", k) + ".ncore4.zarr.itar");
        }

        @Override
        public void close() {
            driver.close();
        }
    }

    /**
     * 3.5 s of a camera at 10 Hz and poses at 20 Hz (both slightly out of order), with extrinsics and
     * intrinsics first, then end.
     */
    private static TestRecordings drive(String id) {
        TestRecordings rec = new TestRecordings(id).start("seq-" + id, TestRecordings.JSON.objectNode().put("k", 1))
                .staticPose("cam0", 1.0).cameraIntrinsics("cam0");
        for (long ms = 0; ms < 3500; ms += 50) {
            long t = T + ms * 1000;
            rec.pose(ms % 200 == 50 ? t + 20_000 : t); // a few poses a little ahead of their turn
            if (ms % 100 == 0) {
                rec.camera("cam0", t + 40_000);
            }
        }
        return rec.end(T + 3_600_000);
    }

    @Test
    void aLongRecordingBecomesOneCompleteSequencePerSegment() throws IOException {
        TestRecordings rec = drive("long-1");
        try (Run run = new Run(tmp.resolve("live"))) {
            run.pipeAll(rec);
            List<JsonNode> events = run.events();
            assertThat(events).extracting(e -> e.get("segment").asInt()).containsExactly(0, 1, 2, 3);
            assertThat(events).extracting(e -> e.get("trigger").asText())
                    .containsExactly("segment", "segment", "segment", "end");
            assertThat(events).extracting(e -> e.get("recording_complete").asBoolean())
                    .containsExactly(false, false, false, true);
            // the origin is the first sensor time: the pose at T
            assertThat(events.get(1).get("segment_start_us").asLong()).isEqualTo(T + SECOND);
            assertThat(events.get(1).get("segment_stop_us").asLong()).isEqualTo(T + 2 * SECOND);
            assertThat(run.deadLetters.isEmpty()).isTrue();

            List<SensorFrame> framesInArchives = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                Path archive = run.segment("long-1", k);
                assertThat(events.get(k).get("archive").asText()).isEqualTo(archive.toAbsolutePath().toString());
                assertThat(ArchiveVerifier.verify(archive).problems()).as(archive.toString()).isEmpty();
                assertThat(run.archives.resolve("long-1-" + String.format("%05d", k) + ".json")).exists();
                try (SequenceReader r = SequenceReader.open(archive)) {
                    assertThat(r.header().sequenceId()).isEqualTo("seq-long-1-" + String.format("%05d", k));
                    assertThat(r.header().genericMetaData().get("k").asInt()).isEqualTo(1);
                    assertThat(r.staticPoses()).hasSize(1);
                    assertThat(r.intrinsics()).hasSize(1);
                    List<SensorFrame> frames = all(r.frames());
                    framesInArchives.addAll(frames);
                    // every frame of the segment lies in its window, and poses cover it from its first start
                    long start = events.get(k).get("segment_start_us").asLong();
                    long stop = events.get(k).get("segment_stop_us").asLong();
                    for (SensorFrame f : frames) {
                        assertThat(f.t1()).isLessThan(stop);
                        if (k > 0) {
                            assertThat(f.t1()).isGreaterThanOrEqualTo(start);
                        }
                    }
                    List<PoseFrame> poses = r.poses();
                    long firstStart = frames.stream().mapToLong(SensorFrame::t0).min().orElseThrow();
                    long lastEnd = frames.stream().mapToLong(SensorFrame::t1).max().orElseThrow();
                    assertThat(poses.stream().mapToLong(PoseFrame::t).min().orElseThrow()).isLessThanOrEqualTo(firstStart);
                    assertThat(poses.stream().mapToLong(PoseFrame::t).max().orElseThrow()).isGreaterThanOrEqualTo(lastEnd);
                }
            }
            // every frame in exactly one segment
            List<Long> sent = rec.frames().stream().filter(SensorFrame.class::isInstance).map(f -> ((SensorFrame) f).t1())
                    .sorted().toList();
            assertThat(framesInArchives.stream().map(SensorFrame::t1).sorted().toList()).isEqualTo(sent);
        }
    }

    @Test
    void aSegmentIsSealedAsSoonAsItIsCompleteWhileTheRecordingGoesOn() throws IOException {
        TestRecordings rec = drive("on-1");
        List<TestRecordings.Rec> records = rec.records();
        try (Run run = new Run(tmp.resolve("live"))) {
            // up to sensor time 1.3 s: segment 0 ends at 1 s, its grace at 1.2 s
            int upTo = 0;
            while (upTo < records.size() && !(records.get(upTo).frame() instanceof PoseFrame p
                    && p.t() >= T + 1_300_000)) {
                run.pipe(records.get(upTo++));
            }
            run.settle();
            assertThat(run.events()).extracting(e -> e.get("segment").asInt()).containsExactly(0);
            assertThat(run.segment("on-1", 0)).exists();
            assertThat(run.segment("on-1", 1)).doesNotExist();

            // a frame for the sealed segment is late; the recording goes on
            TestRecordings late = new TestRecordings("on-1").camera("cam0", T + 500_000 + 7);
            run.pipe(late.last());
            List<TestRecord<byte[], byte[]>> dl = run.deadLetters.readRecordsToList();
            assertThat(dl).hasSize(1);
            assertThat(new String(dl.get(0).headers().lastHeader(DeadLetters.CODE).value(), StandardCharsets.UTF_8))
                    .isEqualTo(DeadLetters.LATE);
            assertThat(new String(dl.get(0).headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                    .contains("segment 0 of recording 'on-1'");

            records.subList(upTo, records.size()).forEach(run::pipe);
            run.settle();
            assertThat(run.events()).extracting(e -> e.get("segment").asInt()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void aReplayCutsAtTheSamePointsIntoTheSameBytes() throws IOException {
        TestRecordings rec = drive("replay-1");
        Map<String, byte[]> first = new TreeMap<>();
        Map<String, byte[]> second = new TreeMap<>();
        for (Map<String, byte[]> out : List.of(first, second)) {
            Path dir = tmp.resolve(out == first ? "a" : "b");
            try (Run run = new Run(dir)) {
                run.pipeAll(rec);
            }
            try (var files = Files.list(dir.resolve("archives"))) {
                for (Path f : files.toList()) {
                    out.put(f.getFileName().toString(), Files.readAllBytes(f));
                }
            }
        }
        assertThat(first.keySet()).hasSize(8); // four archives and their sequence meta files
        assertThat(second.keySet()).isEqualTo(first.keySet());
        first.forEach((name, bytes) -> assertThat(second.get(name)).as(name).isEqualTo(bytes));
    }

    private static List<SensorFrame> all(Iterator<SensorFrame> it) {
        List<SensorFrame> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
