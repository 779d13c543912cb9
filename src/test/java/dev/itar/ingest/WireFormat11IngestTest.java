package dev.itar.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.archive.ArchiveVerifier;
import dev.itar.frames.CameraMask;
import dev.itar.frames.CameraMasksFrame;
import dev.itar.frames.ComponentMetaFrame;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.ncore.SequenceReader;
import org.apache.kafka.common.header.Header;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ingest stores what wire format 1.1 adds — component meta data, camera masks, cuboid observations, float32 static
 * poses — and seals them in ncore's layout: whole recordings, segments (meta data and masks in every segment sealed
 * after they arrive, observations in the segment holding their time), replayed into the same bytes; repeats are
 * ignored and what cannot be stored is dead-lettered with a reason naming it.
 */
class WireFormat11IngestTest {
    private static final long T = 1_600_000_000_000_000L;
    private static final long TS = 1_700_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A topology test driver over {@code dir}, with extra settings. */
    private static final class Run implements AutoCloseable {
        final Path archives;
        final TopologyTestDriver driver;
        final TestInputTopic<byte[], byte[]> in;
        final TestOutputTopic<byte[], byte[]> dlq;
        final TestOutputTopic<String, String> sealed;
        final IngestMetrics metrics = new IngestMetrics();
        long timestamp = TS;

        Run(Path dir, Map<String, String> settings) {
            archives = dir.resolve("archives");
            Map<String, String> all = new HashMap<>(settings);
            all.put(IngestConfig.ARCHIVE_DIR, archives.toString());
            all.put(IngestConfig.STATE_DIR, dir.resolve("state").toString());
            IngestConfig config = IngestConfig.of(all);
            driver = new TopologyTestDriver(IngestTopology.build(config, metrics, new DirectExecutor(),
                    TestArchiveStores.of(config)), config.streamsProperties(), Instant.ofEpochMilli(TS));
            in = driver.createInputTopic(config.framesTopic(), new ByteArraySerializer(), new ByteArraySerializer());
            dlq = driver.createOutputTopic(config.deadLetterTopic(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            sealed = driver.createOutputTopic(config.sealedTopic(), new StringDeserializer(), new StringDeserializer());
        }

        void pipe(TestRecordings.Rec r) {
            in.pipeInput(new TestRecord<>(r.keyBytes(), r.value(), new RecordHeaders(), timestamp));
            timestamp += 10;
        }

        void pipeAll(List<TestRecordings.Rec> records) {
            records.forEach(this::pipe);
            driver.advanceWallClockTime(RecordingProcessor.SEAL_POLL); // the processor takes up finished seals
        }

        List<JsonNode> events() throws IOException {
            List<JsonNode> out = new ArrayList<>();
            for (TestRecord<String, String> r : sealed.readRecordsToList()) {
                out.add(JSON.readTree(r.value()));
            }
            return out;
        }

        @Override
        public void close() {
            driver.close();
        }
    }

    private static ObjectNode meta(String k, int v) {
        return JsonNodeFactory.instance.objectNode().put(k, v);
    }

    private static ObjectNode meta(String k, String v) {
        return JsonNodeFactory.instance.objectNode().put(k, v);
    }

    @Test
    void theNewRecordTypesAreStoredSealedAndTheirRetriesIgnored() throws Exception {
        double[] pose = {1, 0, 0, (float) 0.25, 0, 1, 0, 0, 0, 0, 1, (float) 1.5, 0, 0, 0, 1};
        TestRecordings rec = new TestRecordings("rec-11")
                .componentMeta("cameras", "cam0", meta("fps", 10))
                .componentMeta("lidars", "top", meta("spin_hz", 10)) // a registered lidar without frames
                .componentMeta("poses", "default", meta("source", "ins"))
                .componentMeta("masks", "default", meta("tool", 2))
                .componentMeta("cuboids", "labels2", meta("labeller", 7)) // an instance without observations here
                .masks("default", "cam0")
                .masks("extra", "cam0")
                .add(new StaticPoseFrame("cam0", "rig", pose, "float32"))
                .camera("cam0", T + 40_000);
        // two cuboid instances, interleaved: each is listed in arrival order, one instance after the other
        rec.cuboid("default", "car-1", T + 10_000, "cam0").cuboid("tracks2", "ped-1", T + 10_000, "cam0")
                .cuboid("default", "car-2", T + 20_000, "cam0").cuboid("default", "car-1", T + 5_000, "cam0")
                .cuboid("tracks2", "ped/\u0000odd", T + 30_000, "cam0");
        List<TestRecordings.Rec> records = new ArrayList<>(rec.records());
        records.add(records.get(0)); // a retry of each new type
        records.add(records.get(5));
        records.add(records.get(9));
        rec.end(T + 100_000);
        records.add(rec.last());

        try (Run run = new Run(tmp.resolve("a"), Map.of())) {
            run.pipeAll(records);
            assertThat(run.dlq.readRecordsToList()).isEmpty();
            assertThat(run.metrics.duplicates()).isEqualTo(3);
            Path archive = run.archives.resolve("rec-11.ncore4.zarr.itar");
            ArchiveAssertions.assertArchiveHolds(archive, rec.frames());
            assertThat(ArchiveVerifier.containerProblems(archive)).isEmpty();
            try (SequenceReader r = SequenceReader.open(archive)) {
                assertThat(r.sensors()).containsExactly("cameras/cam0", "lidars/top");
                assertThat(r.staticPoses()).containsExactly(new StaticPoseFrame("cam0", "rig", pose, "float32"));
                assertThat(r.componentMeta()).containsKeys("masks/default", "masks/extra", "cuboids/default",
                        "cuboids/labels2", "cuboids/tracks2");
                assertThat(r.componentMeta().get("masks/extra")).isEmpty();
                assertThat(r.cuboidObservations()).extracting(CuboidObservationFrame::trackId)
                        .containsExactly("car-1", "car-2", "car-1", "ped-1", "ped/\u0000odd");
                assertThat(r.intervalStart()).isEqualTo(T + 4_000); // the earliest reference frame time
            }
        }
    }

    @Test
    void newRecordsThatCannotBeStoredAreDeadLetteredWithAReasonAndNothingElseIsDisturbed() throws Exception {
        String id = "rec-bad";
        TestRecordings rec = new TestRecordings(id)
                .componentMeta("cameras", "cam0", meta("fps", 10))
                .masks("default", "cam0")
                .cuboid("default", "car-1", T + 10_000, "cam0");
        TestRecordings bad = new TestRecordings(id)
                .componentMeta("cameras", "cam0", meta("fps", 30))
                .add(new CameraMasksFrame("default", "cam0", List.of(new CameraMask("ego", "png", new byte[] {7}))))
                .add(withClass(TestRecordings.cuboidFrame("default", "car-1", T + 10_000, "cam0"), "truck"))
                .cuboid("default", "car-9", T + 500_000, "cam0");
        List<TestRecordings.Rec> records = new ArrayList<>(rec.records());
        records.addAll(bad.records().subList(0, 3));
        for (int i = 0; i < 16; i++) { // 1.6 s of camera frames: segment 0 (1 s, grace 200 ms) is sealed
            rec.camera("cam0", T + 40_000 + i * 100_000L);
            records.add(rec.last());
        }
        records.add(bad.records().get(3)); // for segment 0, sealed by now
        rec.end(null);
        records.add(rec.last());

        try (Run run = new Run(tmp.resolve("b"), Map.of(IngestConfig.RECORDING_SEGMENT_DURATION_MS, "1000",
                IngestConfig.RECORDING_SEGMENT_GRACE_MS, "200"))) {
            run.pipeAll(records);
            List<TestRecord<byte[], byte[]>> letters = run.dlq.readRecordsToList();
            assertThat(letters).extracting(l -> header(l, DeadLetters.CODE)).containsExactly("conflicting-duplicate",
                    "conflicting-duplicate", "conflicting-duplicate", "late");
            assertThat(header(letters.get(0), DeadLetters.REASON)).contains("component meta data of cameras/cam0")
                    .contains("different content");
            assertThat(header(letters.get(1), DeadLetters.REASON))
                    .contains("masks of camera 'cam0' in masks instance 'default'");
            assertThat(header(letters.get(2), DeadLetters.REASON))
                    .contains("cuboid observation of track 'car-1' at timestamp_us=" + (T + 10_000));
            assertThat(header(letters.get(3), DeadLetters.REASON))
                    .contains("cuboid observation of track 'car-9'").contains("late for a sealed segment")
                    .contains("segment 0");
            for (int i = 0; i < 4; i++) {
                assertThat(letters.get(i).value()).isEqualTo(bad.records().get(i).value());
            }
            // the first of each identity is what the segments hold
            try (SequenceReader r = SequenceReader.open(run.archives.resolve(id + "-00000.ncore4.zarr.itar"))) {
                assertThat(r.componentMeta().get("cameras/cam0")).isEqualTo(meta("fps", 10));
                assertThat(r.cameraMasks()).containsExactly((CameraMasksFrame) rec.frames().get(1));
                assertThat(r.cuboidObservations()).containsExactly((CuboidObservationFrame) rec.frames().get(2));
            }
        }
    }

    private static CuboidObservationFrame withClass(CuboidObservationFrame c, String classId) {
        return new CuboidObservationFrame(c.instance(), c.trackId(), classId, c.timestampUs(), c.referenceFrameId(),
                c.referenceFrameTimestampUs(), c.centroid(), c.dim(), c.rot(), c.source(), c.sourceVersion());
    }

    /**
     * 3.5 s cut into 1 s segments: the component meta data and masks sent first are in every segment, those sent
     * late only in the segments sealed after them; each cuboid observation is in the segment holding its time, and a
     * segment of observations alone is sealed too; a replay gives the same bytes.
     */
    @Test
    void segmentsEachGetTheRecordingsMetaDataAndMasksAndTheirOwnObservationsTheSameOnReplay() throws Exception {
        String id = "seg-11";
        TestRecordings rec = new TestRecordings(id).componentMeta("cameras", "cam0", meta("fps", 10))
                .masks("default", "cam0");
        for (long ms = 0; ms < 2500; ms += 100) {
            long t = T + ms * 1000;
            if (ms % 500 == 0) {
                rec.cuboid("default", "car-1", t + 1_000, "cam0"); // the first sets the origin: T + 1 ms
            }
            rec.camera("cam0", t + 40_000);
            if (ms == 1500) {
                rec.componentMeta("cuboids", "default", meta("late", 1)); // segment 0 is sealed by now
            }
        }
        rec.cuboid("default", "car-1", T + 3_400_000, "cam0"); // segment 3: no frames, only this observation
        rec.end(null);

        Map<String, byte[]> first = new TreeMap<>();
        for (String name : List.of("a", "b")) {
            Map<String, byte[]> files = new TreeMap<>();
            try (Run run = new Run(tmp.resolve(name), Map.of(IngestConfig.RECORDING_SEGMENT_DURATION_MS, "1000",
                    IngestConfig.RECORDING_SEGMENT_GRACE_MS, "200"))) {
                run.pipeAll(rec.records());
                assertThat(run.dlq.readRecordsToList()).isEmpty();
                assertThat(run.events()).extracting(e -> e.get("segment").asInt()).containsExactly(0, 1, 2, 3);
                for (int k = 0; k < 4; k++) {
                    Path archive = run.archives.resolve(id + "-0000" + k + ".ncore4.zarr.itar");
                    assertThat(ArchiveVerifier.containerProblems(archive)).isEmpty();
                    try (SequenceReader r = SequenceReader.open(archive)) {
                        assertThat(r.componentMeta().get("cameras/cam0")).as("segment %d", k).isEqualTo(meta("fps", 10));
                        assertThat(r.cameraMasks()).as("segment %d", k).hasSize(1);
                        assertThat(r.componentMeta().get("cuboids/default")).as("segment %d", k)
                                .isEqualTo(k == 0 ? JsonNodeFactory.instance.objectNode() : meta("late", 1));
                        long start = T + 1_000 + k * 1_000_000L;
                        assertThat(r.cuboidObservations()).as("segment %d", k).isNotEmpty()
                                .allSatisfy(c -> assertThat(c.timestampUs()).isBetween(start, start + 999_999));
                        assertThat(r.cuboidObservations()).hasSize(k < 2 ? 2 : 1);
                    }
                }
            }
            try (var list = Files.list(tmp.resolve(name).resolve("archives"))) {
                for (Path f : list.toList()) {
                    files.put(f.getFileName().toString(), Files.readAllBytes(f));
                }
            }
            if (first.isEmpty()) {
                first.putAll(files);
            } else {
                assertThat(files.keySet()).isEqualTo(first.keySet());
                first.forEach((f, bytes) -> assertThat(files.get(f)).as(f).isEqualTo(bytes));
            }
        }
        assertThat(first).hasSize(8);
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
