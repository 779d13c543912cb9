package dev.itar.ingest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.frames.CameraFrame;
import dev.itar.frames.CameraMask;
import dev.itar.frames.CameraMasksFrame;
import dev.itar.frames.ComponentMetaFrame;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.frames.TypedArray;
import dev.itar.ingest.StateRecords.CameraMasksRecord;
import dev.itar.ingest.StateRecords.ComponentMetaRecord;
import dev.itar.ingest.StateRecords.IntrinsicsRecord;
import dev.itar.ingest.StateRecords.RecordingHeader;
import dev.itar.ingest.StateRecords.SealedRecording;
import dev.itar.ingest.StateRecords.StaticPoseRecord;
import dev.itar.ncore.EncodedFrame;
import dev.itar.ncore.FrameEncoder;
import dev.itar.ncore.SequenceHeader;
import dev.itar.ncore.WrittenFrame;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * State records and changelog values keep their meaning across releases. {@code state-format-v1.hex} holds one
 * value of every record type as format version 1 writes it; this release must write exactly those bytes and read
 * them back to the same values. A release that changes a record must add a format version (and read or refuse the
 * old one): this test then fails until the fixture of the new version is added beside the old.
 */
class StateFormatTest {
    private static final double[] M = {0, -1, 0, 1.5, 1, 0, 0, -2, 0, 0, 1, 0.25, 0, 0, 0, 1};

    /** Each record type once, by name, with how to read it back. */
    private static Map<String, Sample<?>> samples() {
        ObjectNode meta = JsonNodeFactory.instance.objectNode().put("vehicle", "veh1").put("seed", 3);
        ObjectNode model = JsonNodeFactory.instance.objectNode().put("camera_model_type", "ftheta");
        model.putArray("resolution").add(1920).add(1080);
        RecordingHeader header = RecordingHeader.opened(1_700_000_000_000L).seen(1_700_000_000_500L)
                .accepted("camera").accepted("pose").duplicate().deadLetter()
                .started("seq-1", meta, "ab12").ended(1_600_000_009_000_000L).sensorTime(1_600_000_000_100_000L)
                .sensorTime(1_600_000_001_000_000L).data(12_345).closing("end", 1_700_000_000_600L).segmentSealed(99);
        EncodedFrame frame = new FrameEncoder().encode(new CameraFrame("cam0", 1_600_000_000_050_000L,
                1_600_000_000_100_000L, "jpeg", new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2},
                JsonNodeFactory.instance.objectNode().put("exposure", 2.5),
                new TreeMap<>(Map.of("gain", new TypedArray("float32", new long[] {2}, new byte[8])))));
        SegmentItems.SealRequest seal = new SegmentItems.SealRequest("drive-1", 3, "drive-1-00003.ncore4.zarr.itar",
                "drive-1-00003.json", new SequenceHeader("seq-1-00003", meta, OptionalLong.of(9)),
                List.of(new StaticPoseFrame("lidar_top", "rig", M, "float32")),
                List.of(new IntrinsicsFrame("cam0", "camera", model)), "segment", 180_000_000L, 240_000_000L, 42L);

        Map<String, Sample<?>> s = new LinkedHashMap<>();
        s.put("recording-header", new Sample<>(header.encode(), v -> RecordingHeader.decode(v, "test"), header));
        s.put("fingerprint", new Sample<>(StateRecords.fingerprint("cd34"), v -> StateRecords.fingerprint(v, "test"),
                "cd34"));
        StaticPoseRecord sp = new StaticPoseRecord("ef56", new StaticPoseFrame("lidar_top", "rig", M));
        s.put("static-pose", new Sample<>(sp.encode(), v -> StaticPoseRecord.decode(v, "test"), sp));
        IntrinsicsRecord in = new IntrinsicsRecord("0a1b", new IntrinsicsFrame("cam0", "camera", model));
        s.put("intrinsics", new Sample<>(in.encode(), v -> IntrinsicsRecord.decode(v, "test"), in));
        SealedRecording sr = new SealedRecording("seq-1", 4, "drive-1-00003.ncore4.zarr.itar", 123_456, "end", 77);
        s.put("sealed-recording", new Sample<>(sr.encode(), v -> SealedRecording.decode(v, "test"), sr));
        s.put("stream-time", new Sample<>(StateRecords.streamTime(1_700_000_000_000L),
                v -> StateRecords.streamTime(v, "test"), 1_700_000_000_000L));
        s.put("frame-item", new Sample<>(SegmentItems.frame(frame.entry(), frame.chunks()),
                v -> SegmentItems.readFrame(v, "test").entry(), frame.entry()));
        s.put("frame-entry", new Sample<>(EarlierReleaseItems.frameEntry(frame.entry()),
                v -> SegmentItems.readFrameEntry(v, "test"), frame.entry()));
        PoseFrame pose = new PoseFrame("rig", "world", 1_600_000_000_100_000L, M);
        s.put("pose-item", new Sample<>(SegmentItems.pose(pose), v -> SegmentItems.readPose(v, "test"), pose));
        s.put("seal-request", new Sample<>(SegmentItems.sealRequest(seal),
                v -> SegmentItems.readSealRequest(v, "test"), seal));
        // wire format 1.1's records, added to format 1 as new record types (no earlier record changed)
        ComponentMetaRecord cm = new ComponentMetaRecord("1c2d", new ComponentMetaFrame("cameras", "cam0", meta));
        s.put("component-meta", new Sample<>(cm.encode(), v -> ComponentMetaRecord.decode(v, "test"), cm));
        CameraMasksRecord masks = new CameraMasksRecord("3e4f", new CameraMasksFrame("default", "cam0",
                List.of(new CameraMask("ego", "png", new byte[] {(byte) 0x89, 'P', 'N', 'G'}))));
        s.put("camera-masks", new Sample<>(masks.encode(), v -> CameraMasksRecord.decode(v, "test"), masks));
        CuboidObservationFrame cuboid = new CuboidObservationFrame("default", "track-7", "automobile",
                1_600_000_000_100_000L, "cam0", 1_600_000_000_099_000L, new double[] {1.5, -2, 0.5},
                new double[] {4.5, 1.9, 1.6}, new double[] {0, 0, 0.25}, "AUTOLABEL", Optional.of("v2"));
        s.put("cuboid-item", new Sample<>(SegmentItems.cuboid(cuboid), v -> SegmentItems.readCuboid(v, "test"),
                cuboid));
        // frames whose nodes are written at ingest: a new record type of format 1 (16), for a segment's item log
        byte[] entries = {0x78, 0x20, 1, 2, 3, 4, 5, 6, 7};
        s.put("written-frame", new Sample<>(SegmentItems.writtenFrame(frame.entry(), entries), v -> {
            SegmentItems.WrittenFrameItem item = SegmentItems.readWrittenFrame(v, "test");
            return List.of(item.frame(), HexFormat.of().formatHex(v, item.entriesOffset(), v.length));
        }, List.of(new WrittenFrame("cameras", "cam0", frame.entry().t0(), frame.entry().t1(),
                frame.entry().nodes().size(), entries.length), HexFormat.of().formatHex(entries))));
        // a frame's changelog value naming its input record (17): a restore reads that record and encodes it again
        SegmentItems.FrameAt at = new SegmentItems.FrameAt(1, 123_456_789_012L, 9_876_543, 0xcafe1234);
        s.put("frame-at", new Sample<>(SegmentItems.frameAt(at), v -> SegmentItems.readFrameAt(v, "test"), at));
        return s;
    }

    private record Sample<T>(byte[] encoded, Function<byte[], T> decode, T value) {
    }

    @Test
    void theFormatWrittenAndReadIsVersionOneExactly() throws IOException {
        Map<String, String> fixture = fixture();
        StringBuilder actual = new StringBuilder();
        samples().forEach((name, s) -> actual.append(name).append('=').append(HexFormat.of().formatHex(s.encoded()))
                .append('\n'));
        assertThat(fixture).as("src/test/resources/dev/itar/ingest/state-format-v1.hex; what this release writes:\n"
                + actual).isNotEmpty();
        samples().forEach((name, s) -> {
            String stored = fixture.get(name);
            assertThat(stored).as("fixture entry " + name + "; this release writes:\n" + actual).isNotNull();
            assertThat(HexFormat.of().formatHex(s.encoded())).as("what this release writes for " + name)
                    .isEqualTo(stored);
            assertThat(s.decode().apply(HexFormat.of().parseHex(stored))).as("what this release reads from " + name)
                    .isEqualTo(s.value());
        });
    }

    @Test
    void stateOfTheReleaseBeforeVersioningIsRefusedNamingWhatToDo() {
        // a pose record as the previous release stored it: Jackson CBOR, an indefinite-length map
        byte[] old = HexFormat.of().parseHex("bf66736861323536646162313264706f7365bf66736f75726365637269676674617267"
                + "657465776f726c64ffff");
        assertThatThrownBy(() -> StateRecords.fingerprint(old, "recording-state key r/p/1"))
                .isInstanceOf(StateFormatException.class)
                .hasMessageContaining("recording-state key r/p/1")
                .hasMessageContaining("unversioned Jackson CBOR")
                .hasMessageContaining("Upgrading");
    }

    @Test
    void aNewerVersionOrAnotherRecordTypeIsRefusedNotMisread() {
        byte[] header = samples().get("recording-header").encoded();
        byte[] newer = header.clone();
        newer[1] = 2;
        assertThatThrownBy(() -> RecordingHeader.decode(newer, "header of 'r'")).isInstanceOf(StateFormatException.class)
                .hasMessageContaining("header of 'r'").hasMessageContaining("version 2").hasMessageContaining("newer");
        assertThatThrownBy(() -> StateRecords.fingerprint(header, "key k")).isInstanceOf(StateFormatException.class)
                .hasMessageContaining("expected a FINGERPRINT");
        byte[] cut = java.util.Arrays.copyOf(header, header.length - 3);
        assertThatThrownBy(() -> RecordingHeader.decode(cut, "header of 'r'")).isInstanceOf(StateFormatException.class)
                .hasMessageContaining("ends early");
    }

    private static Map<String, String> fixture() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream in = StateFormatTest.class.getResourceAsStream("state-format-v1.hex")) {
            if (in == null) {
                return out;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    int eq = line.indexOf('=');
                    out.put(line.substring(0, eq), line.substring(eq + 1).strip());
                }
            }
        }
        return out;
    }
}
