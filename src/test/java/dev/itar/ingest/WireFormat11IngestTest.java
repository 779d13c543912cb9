package dev.itar.ingest;

import dev.itar.frames.CameraMask;
import dev.itar.frames.CameraMasksFrame;
import dev.itar.frames.ComponentMetaFrame;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.frames.EndFrame;
import dev.itar.frames.Frame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.frames.WireEncoder;
import dev.itar.ncore.SequenceReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Until ingest stores them, the record types wire format 1.1 adds are dead-lettered as {@code rejected} with a
 * reason that says so, and the recording beside them is unaffected; a float32 static pose (1.1) is stored as
 * float32.
 */
class WireFormat11IngestTest {
    private static final long T = 1_600_000_000_000_000L;
    private static final String ID = "rec-11";

    @TempDir
    Path tmp;

    @Test
    void newRecordTypesAreRejectedAndFloat32StaticPosesStored() throws Exception {
        IngestConfig config = IngestConfig.of(Map.of(
                IngestConfig.ARCHIVE_DIR, tmp.resolve("archives").toString(),
                IngestConfig.STATE_DIR, tmp.resolve("state").toString()));
        try (TopologyTestDriver driver = new TopologyTestDriver(IngestTopology.build(config, new IngestMetrics(),
                new DirectExecutor(), TestArchiveStores.of(config)), config.streamsProperties(), Instant.ofEpochMilli(1_700_000_000_000L))) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic(config.framesTopic(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            TestOutputTopic<byte[], byte[]> dlq = driver.createOutputTopic(config.deadLetterTopic(),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            double[] pose = {1, 0, 0, (float) 0.25, 0, 1, 0, 0, 0, 0, 1, (float) 1.5, 0, 0, 0, 1};
            List<Frame> newTypes = List.of(
                    new ComponentMetaFrame("cameras", "cam0", JsonNodeFactory.instance.objectNode().put("k", 1)),
                    new CameraMasksFrame("default", "cam0", List.of(new CameraMask("ego", "png", new byte[] {1}))),
                    new CuboidObservationFrame("default", "t", "car", T, "cam0", T, new double[3], new double[3],
                            new double[3], "AUTOLABEL", Optional.empty()));
            long ts = 1_700_000_000_000L;
            send(in, TestRecordings.cameraFrame("cam0", T + 10, 0), ts++);
            for (Frame f : newTypes) {
                send(in, f, ts++);
            }
            send(in, new StaticPoseFrame("cam0", "rig", pose, "float32"), ts++);
            send(in, new EndFrame(OptionalLong.empty()), ts);
            driver.advanceWallClockTime(RecordingProcessor.SEAL_POLL); // the processor takes up the finished seal

            List<TestRecord<byte[], byte[]>> letters = dlq.readRecordsToList();
            assertThat(letters).hasSize(3);
            for (int i = 0; i < 3; i++) {
                String type = newTypes.get(i).type();
                assertThat(header(letters.get(i), DeadLetters.CODE)).isEqualTo("rejected");
                assertThat(header(letters.get(i), DeadLetters.REASON))
                        .contains("this release of itar-ingest cannot store " + type + " records yet");
                assertThat(letters.get(i).value()).isEqualTo(WireEncoder.encode(newTypes.get(i)));
            }
            try (SequenceReader r = SequenceReader.open(tmp.resolve("archives").resolve(ID + ".ncore4.zarr.itar"))) {
                assertThat(r.sensors()).containsExactly("cameras/cam0");
                assertThat(r.staticPoses()).containsExactly(new StaticPoseFrame("cam0", "rig", pose, "float32"));
                assertThat(r.componentMeta().get("cameras/cam0")).isEmpty();
            }
        }
    }

    private static void send(TestInputTopic<byte[], byte[]> in, Frame f, long timestamp) {
        in.pipeInput(new TestRecord<>(ID.getBytes(StandardCharsets.UTF_8), WireEncoder.encode(f), new RecordHeaders(),
                timestamp));
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
