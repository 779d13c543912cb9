package dev.itar.ncore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.Fixtures;
import dev.itar.archive.ArchiveVerifier;
import dev.itar.archive.IndexedTarReader;
import dev.itar.zarr.ConsolidatedRoot;
import dev.itar.frames.CameraFrame;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.LidarFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.SensorFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.zarr.PyJson;
import dev.itar.zarr.RootDialect;
import dev.itar.zarr.ZarrArchiveReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceSealerTest {
    private static final double[] IDENTITY = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    private final FrameEncoder encoder = new FrameEncoder();
    private final SequenceSealer sealer = new SequenceSealer();

    @TempDir
    Path dir;

    private SealRequest request(Path target, String id, List<EncodedFrame> frames, List<PoseFrame> poses,
                                SequenceHeader header) {
        List<Chunk> chunks = new ArrayList<>();
        frames.forEach(f -> chunks.addAll(f.chunks()));
        chunks.sort(Comparator.comparing(Chunk::key));
        return new SealRequest(target, id, header, frames.stream().map(EncodedFrame::entry).iterator(),
                poses.iterator(), List.of(new StaticPoseFrame("cam0", "rig", IDENTITY)), List.of(), chunks.iterator(),
                RootDialect.PR68);
    }

    private List<EncodedFrame> cameraFrames(long... t1s) {
        List<EncodedFrame> out = new ArrayList<>();
        for (long t1 : t1s) {
            out.add(encoder.encode(new CameraFrame("cam0", t1 - 5, t1, "jpeg", ("image " + t1).getBytes(), null, null)));
        }
        return out;
    }

    @Test
    void sameInputGivesSameBytesAndFramesEndSortedByT1() throws Exception {
        List<EncodedFrame> frames = cameraFrames(130, 110, 120); // arrival order, not time order
        List<PoseFrame> poses = List.of(new PoseFrame("rig", "world", 140, IDENTITY),
                new PoseFrame("rig", "world", 100, IDENTITY));
        SequenceHeader header = new SequenceHeader("seq-1", null, OptionalLong.empty());
        SealResult a = sealer.seal(request(dir.resolve("a"), "rec", frames, poses, header));
        SealResult b = sealer.seal(request(dir.resolve("b"), "rec", frames, poses, header));

        assertThat(a.sha256()).isEqualTo(b.sha256());
        assertThat(Files.readAllBytes(a.archive())).isEqualTo(Files.readAllBytes(b.archive()));
        assertThat(Files.readAllBytes(a.sequenceMeta())).isEqualTo(Files.readAllBytes(b.sequenceMeta()));
        assertThat(a.framesPerSensor()).containsExactly(Map.entry("cameras/cam0", 3L));
        assertThat(a.intervalStart()).isEqualTo(100);
        assertThat(a.intervalStop()).isEqualTo(141);
        assertThat(ArchiveVerifier.containerProblems(a.archive())).isEmpty();

        try (ZarrArchiveReader z = ZarrArchiveReader.open(a.archive())) {
            assertThat(z.zarrFormat()).isEqualTo(3);
            assertThat(z.node("cameras/cam0/frames").attributes().get("frames_timestamps_us"))
                    .isEqualTo(List.of(List.of(105, 110), List.of(115, 120), List.of(125, 130)));
            assertThat(z.node("poses/default/dynamic_poses").attributes().get("('rig', 'world')").toString())
                    .contains("timestamps_us=[100, 140]");
        }
        try (IndexedTarReader r = IndexedTarReader.open(a.archive())) {
            assertThat(r.contains("zarr.cbor.xz")).isTrue();
            assertThat(r.contains("zarr.json")).isFalse(); // root only as the consolidated, compressed record
            // every key once: chunk and metadata records
            assertThat(r.entries().stream().map(e -> e.key()).distinct().count()).isEqualTo(r.entries().size());
        }
    }

    @Test
    void posesPreparedOnAnotherThreadGiveTheSameBytesAndTheSameErrors() throws Exception {
        List<EncodedFrame> frames = cameraFrames(130, 110, 120);
        List<PoseFrame> poses = new ArrayList<>();
        for (long t = 90; t < 150; t += 2) {
            double[] m = IDENTITY.clone();
            m[3] = t / 7.0;
            poses.add(new PoseFrame("rig", "world", t, m));
        }
        SequenceHeader header = new SequenceHeader("seq-1", null, OptionalLong.empty());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            SequenceSealer beside = new SequenceSealer(pool);
            SealResult inline = sealer.seal(request(dir.resolve("inline"), "rec", frames, poses, header));
            SealResult pooled = beside.seal(request(dir.resolve("pooled"), "rec", frames, poses, header));
            assertThat(Files.readAllBytes(pooled.archive())).isEqualTo(Files.readAllBytes(inline.archive()));
            assertThat(pooled.intervalStart()).isEqualTo(90);

            double[] moved = IDENTITY.clone();
            moved[3] = 2;
            List<PoseFrame> conflicting = List.of(new PoseFrame("rig", "world", 1, IDENTITY),
                    new PoseFrame("rig", "world", 1, moved));
            assertThatThrownBy(() -> beside.seal(request(dir.resolve("bad"), "rec", frames, conflicting, header)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("conflicting pose samples (rig, world) at t=1");
            assertThat(dir.resolve("bad")).isEmptyDirectory();

            pool.shutdown(); // a sealer whose executor refuses work does it all itself
            SealResult refused = beside.seal(request(dir.resolve("refused"), "rec", frames, poses, header));
            assertThat(Files.readAllBytes(refused.archive())).isEqualTo(Files.readAllBytes(inline.archive()));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sidecarIsNcoresSequenceMetaWithTheArchivesMd5() throws Exception {
        ObjectNode meta = JsonNodeFactory.instance.objectNode().put("vehicle", "veh1");
        SequenceHeader header = new SequenceHeader("seq-x", meta, OptionalLong.of(500));
        SealResult r = sealer.seal(request(dir, "rec-7", cameraFrames(110), List.of(), header));

        assertThat(r.archive().getFileName().toString()).isEqualTo("rec-7.ncore4.zarr.itar");
        assertThat(r.sequenceMeta().getFileName().toString()).isEqualTo("rec-7.json");
        byte[] archive = Files.readAllBytes(r.archive());
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(archive));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive));
        assertThat(r.md5()).isEqualTo(md5);
        assertThat(r.sha256()).isEqualTo(sha);
        assertThat(r.bytes()).isEqualTo(archive.length);
        assertThat(r.intervalStart()).isEqualTo(105);
        assertThat(r.intervalStop()).isEqualTo(501); // end record's t is the inclusive end

        String expected = """
                {
                  "sequence_id": "seq-x",
                  "sequence_timestamp_interval_us": {
                    "start": 105,
                    "stop": 501
                  },
                  "generic_meta_data": {
                    "vehicle": "veh1"
                  },
                  "version": "v4",
                  "component_stores": [
                    {
                      "path": "rec-7.ncore4.zarr.itar",
                      "md5": "%s",
                      "components": {
                        "cameras": {
                          "cam0": {
                            "version": "v1",
                            "generic_meta_data": {}
                          }
                        },
                        "intrinsics": {
                          "default": {
                            "version": "v1",
                            "generic_meta_data": {}
                          }
                        },
                        "poses": {
                          "default": {
                            "version": "v1",
                            "generic_meta_data": {}
                          }
                        }
                      }
                    }
                  ]
                }""".formatted(md5);
        assertThat(Files.readString(r.sequenceMeta())).isEqualTo(expected);
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()).sorted())
                .containsExactly("rec-7.json", "rec-7.ncore4.zarr.itar"); // no temp files left
    }

    @Test
    void readerRoundTripGivesBackWhatWasSealed() throws Exception {
        List<EncodedFrame> frames = new ArrayList<>(cameraFrames(110, 120));
        frames.add(encoder.encode(new LidarFrame("lidar_top", 100, 120, 2, 2, FrameEncoderTest.directions(2),
                FrameEncoderTest.longs(100, 120), FrameEncoderTest.floats(1, Float.NaN, 3, 4),
                FrameEncoderTest.floats(.5f, Float.NaN, .25f, 1), FrameEncoderTest.shorts(1, 2, 3, 4),
                JsonNodeFactory.instance.objectNode().put("sweep", 1), null)));
        List<PoseFrame> poses = List.of(new PoseFrame("rig", "world", 100, IDENTITY),
                new PoseFrame("rig", "world", 120, IDENTITY));
        SequenceHeader header = new SequenceHeader("seq", JsonNodeFactory.instance.objectNode().put("a", 1),
                OptionalLong.empty());
        SealResult r = sealer.seal(request(dir, "rt", frames, poses, header));

        try (SequenceReader reader = SequenceReader.open(r.archive())) {
            assertThat(reader.zarrFormat()).isEqualTo(3);
            assertThat(reader.header().sequenceId()).isEqualTo("seq");
            assertThat(reader.header().genericMetaData()).isEqualTo(header.genericMetaData());
            assertThat(reader.header().endT()).hasValue(120);
            assertThat(reader.poses()).containsExactlyElementsOf(poses);
            assertThat(reader.staticPoses()).containsExactly(new StaticPoseFrame("cam0", "rig", IDENTITY));
            List<EncodedFrame> again = new ArrayList<>();
            for (Iterator<SensorFrame> it = reader.frames(); it.hasNext(); ) {
                again.add(encoder.encode(it.next()));
            }
            // frames come back in (component, sensor, t1) order and re-encode to identical entries and chunks
            assertThat(again).containsExactly(frames.get(0), frames.get(1), frames.get(2));
            SensorFrame lidar = reader.frame("lidars/lidar_top", 100, 120);
            assertThat(lidar).isInstanceOf(LidarFrame.class);
            assertThat(((LidarFrame) lidar).distanceM()).isEqualTo(FrameEncoderTest.floats(1, Float.NaN, 3, 4));
        }
    }

    @Test
    void driveAV2FixtureReadsBackAsNcoreWroteIt() throws Exception {
        try (SequenceReader reader = SequenceReader.open(Fixtures.DRIVE_A)) {
            assertThat(reader.zarrFormat()).isEqualTo(2);
            assertThat(reader.sensors()).containsExactly("cameras/camera_front_wide", "lidars/lidar_top",
                    "radars/radar_front");
            assertThat(reader.intervalStop()).isEqualTo(1600000010400001L);
            CameraFrame cam = (CameraFrame) reader.frame("cameras/camera_front_wide", 1600000010000000L,
                    1600000010050000L);
            assertThat(cam.format()).isEqualTo("jpeg");
            assertThat(cam.image()).hasSize(1167);
            assertThat(cam.image()[0] & 0xff).isEqualTo(0xff); // JPEG SOI
            assertThat(cam.data().get("exposure_us").dtype()).isEqualTo("uint32");
            assertThat(cam.meta().get("frame_index").asInt()).isZero();
            assertThat(reader.staticPoses()).extracting(StaticPoseFrame::dtype).containsExactly("float32", "float64");
            assertThat(reader.intrinsics()).extracting(IntrinsicsFrame::sensor).containsExactly("camera_front_wide");
            assertThat(reader.componentMeta().get("cameras/camera_front_wide").get("fps").asInt()).isEqualTo(10);
        }
    }

    @Test
    void everyRootDialectSealsAndReadsBack() throws Exception {
        for (RootDialect d : RootDialect.values()) {
            List<EncodedFrame> frames = cameraFrames(110);
            SealRequest base = request(dir.resolve(d.cliName()), "r", frames, List.of(),
                    new SequenceHeader("s", null, OptionalLong.empty()));
            SealRequest req = new SealRequest(base.archiveDir(), "r", base.header(), base.frames(), base.poses(),
                    base.staticPoses(), base.intrinsics(), base.chunks(), d);
            SealResult r = sealer.seal(req);
            try (IndexedTarReader t = IndexedTarReader.open(r.archive());
                 SequenceReader s = SequenceReader.open(r.archive())) {
                assertThat(ConsolidatedRoot.dialect(t)).contains(d);
                assertThat(s.sensors()).containsExactly("cameras/cam0");
            }
        }
    }

    @Test
    void inconsistentInputFailsNamingTheProblemAndLeavesNoArchive() throws Exception {
        SequenceHeader h = new SequenceHeader("s", null, OptionalLong.empty());
        List<EncodedFrame> frames = cameraFrames(110, 120);
        List<Chunk> chunks = new ArrayList<>();
        frames.forEach(f -> chunks.addAll(f.chunks()));

        // a lost chunk
        assertThatThrownBy(() -> sealer.seal(new SealRequest(dir, "bad", h,
                frames.stream().map(EncodedFrame::entry).iterator(), List.<PoseFrame>of().iterator(), List.of(),
                List.of(), List.of(chunks.get(0)).iterator(), RootDialect.PR68)))
                .hasMessage("frame cameras/cam0/frames/120 has 0 chunks, its entry expects 1");
        // a chunk without its frame
        assertThatThrownBy(() -> sealer.seal(new SealRequest(dir, "bad", h,
                Stream.of(frames.get(0).entry()).iterator(), List.<PoseFrame>of().iterator(), List.of(),
                List.of(), chunks.iterator(), RootDialect.PR68)))
                .hasMessage("chunk cameras/cam0/frames/120/image/c belongs to no frame of the sequence");
        // the same frame twice
        assertThatThrownBy(() -> sealer.seal(new SealRequest(dir, "bad", h,
                Stream.of(frames.get(0).entry(), frames.get(0).entry()).iterator(), List.<PoseFrame>of().iterator(),
                List.of(), List.of(), List.<Chunk>of().iterator(), RootDialect.PR68)))
                .hasMessage("duplicate frame cameras/cam0/frames/110");
        // conflicting pose samples
        double[] moved = IDENTITY.clone();
        moved[3] = 2;
        assertThatThrownBy(() -> sealer.seal(new SealRequest(dir, "bad", h, List.<FrameEntry>of().iterator(),
                List.of(new PoseFrame("rig", "world", 1, IDENTITY), new PoseFrame("rig", "world", 1, moved))
                        .iterator(), List.of(), List.of(), List.<Chunk>of().iterator(), RootDialect.PR68)))
                .hasMessage("conflicting pose samples (rig, world) at t=1");
        assertThatThrownBy(() -> new SealRequest(dir, "../evil", h, List.<FrameEntry>of().iterator(),
                List.<PoseFrame>of().iterator(), List.of(), List.of(), List.<Chunk>of().iterator(),
                RootDialect.PR68)).hasMessageContaining("bad recording id \"../evil\"");

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty(); // neither archive, sidecar nor temp files
        }
    }

    @Test
    void failedSealKeepsAnEarlierArchiveUntouched() throws Exception {
        SequenceHeader h = new SequenceHeader("s", null, OptionalLong.empty());
        SealResult good = sealer.seal(request(dir, "rec", cameraFrames(110), List.of(), h));
        byte[] before = Files.readAllBytes(good.archive());
        List<EncodedFrame> frames = cameraFrames(110);
        assertThatThrownBy(() -> sealer.seal(new SealRequest(dir, "rec", h,
                frames.stream().map(EncodedFrame::entry).iterator(), List.<PoseFrame>of().iterator(), List.of(),
                List.of(), List.<Chunk>of().iterator(), RootDialect.PR68)))
                .hasMessageContaining("has 0 chunks");
        assertThat(Files.readAllBytes(good.archive())).isEqualTo(before);
    }

    /**
     * Seals 64 frames of 8 MiB (512 MiB of chunks, generated lazily) in a separate JVM whose whole heap is
     * 160 MiB: this can only succeed if chunks pass through the sealer one at a time. (The heap is not smaller
     * because the XZ encoder of the compressed root alone needs about 100 MiB, independent of the data.)
     */
    @Test
    void sealingStreamsMoreThanThreeTimesTheHeapInChunkBytes() throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaBin.toString(), "-Xmx160m", "-cp", System.getProperty("java.class.path"),
                SmallHeapSeal.class.getName(), dir.toString(), "64", Integer.toString(8 << 20))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("frames=64");
        assertThat(Files.size(dir.resolve("big.ncore4.zarr.itar"))).isGreaterThan(64L * (8 << 20)).isGreaterThan(3 * (160L << 20));
    }

    @Test
    void pyReprSpellsPoseKeysAsPython() {
        assertThat(PyRepr.pair("rig", "world")).isEqualTo("('rig', 'world')");
        assertThat(PyRepr.pair("it's", "a\\b")).isEqualTo("(\"it's\", 'a\\\\b')");
        assertThat(PyRepr.parsePair("('camera_front_wide', 'rig')")).containsExactly("camera_front_wide", "rig");
        assertThat(PyRepr.parsePair(PyRepr.pair("it's", "a\\b\n"))).containsExactly("it's", "a\\b\n");
        assertThat(PyJson.dumpsCompact(Map.of("k", 1))).isNotEmpty();
    }
}
