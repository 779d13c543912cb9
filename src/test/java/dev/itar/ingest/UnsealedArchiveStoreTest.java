package dev.itar.ingest;

import dev.itar.archive.ArchiveVerifier;
import dev.itar.archive.IndexedTarWriter;
import dev.itar.ncore.EncodedFrame;
import dev.itar.ncore.FrameEncoder;
import dev.itar.ncore.SequenceHeader;
import dev.itar.ncore.SequenceReader;
import dev.itar.zarr.RootDialect;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The archives under construction survive restarts exactly as committed, whatever was written after. */
class UnsealedArchiveStoreTest {
    static final long T = 1_600_000_000_000_000L;
    static final TopicPartition CHANGELOG = new TopicPartition("itar-ingest-unsealed-archives-changelog", 0);

    @TempDir
    Path tmp;

    private final List<SealOutcome> outcomes = new ArrayList<>();

    private UnsealedArchiveStore open(Path stateDir) {
        return open(stateDir, tmp.resolve("archives"), (partition, offset) -> {
            throw new AssertionError("no frame is read from the input topic here");
        });
    }

    private UnsealedArchiveStore open(Path stateDir, Path archives, ReferencedFrames.InputRecords input) {
        UnsealedArchiveStore store = new UnsealedArchiveStore(UnsealedArchiveStoreSupplier.NAME,
                TestArchiveStores.directory(archives), RootDialect.PR68, new DirectExecutor(), s -> { }, () -> input);
        StateStoreContext ctx = new MockProcessorContext<>(new Properties(), new TaskId(0, 0), stateDir.toFile())
                .getStateStoreContext();
        store.init(ctx, store);
        store.attach(keys -> keys.forEach(store::startSeal));
        return store;
    }

    private static void putFrame(UnsealedArchiveStore store, SegmentKey key, long t1) {
        EncodedFrame f = new FrameEncoder().encode(TestRecordings.cameraFrame("cam0", t1, 0));
        store.put(Bytes.wrap(key.key(SegmentKey.FRAME, UnsealedArchiveStore.frameItem("cameras", "cam0", t1))),
                SegmentItems.frame(f.entry(), f.chunks()));
    }

    private static void requestSeal(UnsealedArchiveStore store, SegmentKey key) {
        store.put(Bytes.wrap(key.key(SegmentKey.SEAL, "")), SegmentItems.sealRequest(new SegmentItems.SealRequest(
                key.recordingId(), key.segment(), key.recordingId() + ".ncore4.zarr.itar", key.recordingId() + ".json",
                new SequenceHeader(key.recordingId(), null, OptionalLong.empty()), List.of(), List.of(), "end",
                Long.MIN_VALUE, Long.MAX_VALUE, 1)));
    }

    /**
     * Appends the frame at {@code T + 300}, seals the segment (committed at changelog offset 43) and checks its
     * archive holds the frames at {@code T + 100}, {@code T + 200} and {@code T + 300}; returns the archive.
     */
    private Path addTheThirdFrameAndSeal(UnsealedArchiveStore store, SegmentKey key) throws Exception {
        putFrame(store, key, T + 300);
        requestSeal(store, key);
        store.commit(Map.of(CHANGELOG, 43L));
        outcomes.addAll(store.drainOutcomes());
        assertThat(outcomes).hasSize(1);
        assertThat(outcomes.get(0).failure()).isNull();
        Path archive = tmp.resolve("archives/rec.ncore4.zarr.itar");
        assertThat(ArchiveVerifier.verify(archive).problems()).isEmpty();
        try (SequenceReader r = SequenceReader.open(archive)) {
            assertThat(r.frameTimestamps("cameras/cam0")).extracting(t -> t[1]).containsExactly(T + 100, T + 200, T + 300);
        }
        return archive;
    }

    @Test
    void aReopenedStoreCutsItsFilesBackToTheLastCommitAndReportsItsOffset() throws Exception {
        Path state = tmp.resolve("state");
        SegmentKey key = new SegmentKey("rec", 0);
        UnsealedArchiveStore store = open(state);
        assertThat(store.committedOffset(CHANGELOG)).isNull();
        putFrame(store, key, T + 100);
        putFrame(store, key, T + 200);
        store.commit(Map.of(CHANGELOG, 41L));
        putFrame(store, key, T + 300); // written, never committed
        store.close();
        Path dir = state.resolve(UnsealedArchiveStoreSupplier.NAME);
        Files.write(dir.resolve("rec.0.itar"), new byte[999], StandardOpenOption.APPEND); // and some garbage

        store = open(state);
        assertThat(store.committedOffset(CHANGELOG)).isEqualTo(41L);
        UnsealedSegment s = store.segment(key).orElseThrow();
        assertThat(s.contentItems()).isEqualTo(2);
        // the changelog replays what came after the commit: the same frame, then the seal
        addTheThirdFrameAndSeal(store, key);
        assertThat(dir.resolve("rec.0.itar")).doesNotExist(); // published by rename
        store.delete(Bytes.wrap(key.key(SegmentKey.SEAL, "")));
        store.commit(Map.of(CHANGELOG, 44L));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(Manifest.FILE);
        }
        store.close();
    }

    /**
     * A segment an earlier release began kept its frames' entries in the item log and left their nodes to the seal;
     * after an upgrade it takes new frames the new way (nodes written as they arrive) and is sealed with every
     * frame's nodes once, the earlier ones written then.
     */
    @Test
    void aSegmentBegunByAnEarlierReleaseIsSealedWithTheNodesOfEveryFrame() throws Exception {
        Path state = tmp.resolve("state");
        Path dir = state.resolve(UnsealedArchiveStoreSupplier.NAME);
        Files.createDirectories(dir);
        SegmentKey key = new SegmentKey("rec", 0);
        dev.itar.archive.ArchivePosition body;
        long itemBytes;
        try (IndexedTarWriter w = IndexedTarWriter.resume(dir.resolve("rec.0.itar"), dev.itar.archive.ArchivePosition.START);
             ItemLog log = new ItemLog(dir.resolve("rec.0.items"), 0)) {
            for (long t1 : new long[] {T + 100, T + 200}) {
                EncodedFrame f = new FrameEncoder().encode(TestRecordings.cameraFrame("cam0", t1, 0));
                for (var c : f.chunks()) {
                    w.put(c.key(), c.bytes());
                }
                log.append(EarlierReleaseItems.frameEntry(f.entry()));
            }
            body = w.position();
            w.flush(false);
            log.flush();
            itemBytes = log.bytes();
        }
        new Manifest(41L, List.of(new Manifest.Entry(key, body, itemBytes, 2, null))).write(dir);

        UnsealedArchiveStore store = open(state);
        assertThat(store.committedOffset(CHANGELOG)).isEqualTo(41L);
        Path archive = addTheThirdFrameAndSeal(store, key);
        try (dev.itar.zarr.ZarrArchiveReader z = dev.itar.zarr.ZarrArchiveReader.open(archive);
             dev.itar.archive.IndexedTarReader tar = dev.itar.archive.IndexedTarReader.open(archive)) {
            assertThat(dev.itar.zarr.ContentVerifier.check(z).problems()).isEmpty();
            List<Long> nodesPerFrame = new ArrayList<>();
            for (long t1 : new long[] {T + 100, T + 200, T + 300}) {
                String frame = "cameras/cam0/frames/" + t1;
                List<String> nodes = z.nodes().keySet().stream().filter(p -> p.equals(frame) || p.startsWith(frame + "/"))
                        .toList();
                nodesPerFrame.add((long) nodes.size());
                assertThat(nodes).allSatisfy(p -> assertThat(tar.contains(p + "/zarr.json")).as(p).isTrue());
            }
            assertThat(nodesPerFrame).containsOnly(nodesPerFrame.get(0)).first().isNotEqualTo(0L);
        }
        store.close();
    }

    /**
     * Every kind of item a segment holds — frames, poses, cuboid observations, component meta data, camera masks —
     * survives a reopen at its commit, is named by the keys that drop it (a key missed would outlive the segment in
     * the compacted changelog and bring it back on a restore), and is sealed.
     */
    @Test
    void everyKindOfItemIsKeptAcrossAReopenNamedByItsKeysAndSealed() throws Exception {
        Path state = tmp.resolve("state");
        SegmentKey key = new SegmentKey("rec", 0);
        var cuboid = TestRecordings.cuboidFrame("default", "car/1", T + 150, "cam0");
        var meta = new StateRecords.ComponentMetaRecord("aa", new dev.itar.frames.ComponentMetaFrame("cameras", "cam0",
                TestRecordings.JSON.objectNode().put("fps", 10)));
        var masks = new StateRecords.CameraMasksRecord("bb", new dev.itar.frames.CameraMasksFrame("default", "cam0",
                List.of(new dev.itar.frames.CameraMask("ego", "png", new byte[] {1, 2, 3}))));
        var pose = new dev.itar.frames.PoseFrame("rig", "world", T + 100, new double[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1,
                0, 0, 0, 0, 1});
        List<byte[]> keys = List.of(
                key.key(SegmentKey.FRAME, UnsealedArchiveStore.frameItem("cameras", "cam0", T + 100)),
                key.key(SegmentKey.POSE, UnsealedArchiveStore.poseItem("rig", "world", T + 100)),
                key.key(SegmentKey.CUBOID, UnsealedArchiveStore.cuboidItem(cuboid)),
                key.key(SegmentKey.COMPONENT_META, "cameras/cam0"),
                key.key(SegmentKey.CAMERA_MASKS, "default/cam0"),
                key.key(SegmentKey.SEAL, ""));
        UnsealedArchiveStore store = open(state);
        putFrame(store, key, T + 100);
        store.put(Bytes.wrap(keys.get(1)), SegmentItems.pose(pose));
        store.put(Bytes.wrap(keys.get(2)), SegmentItems.cuboid(cuboid));
        store.put(Bytes.wrap(keys.get(3)), meta.encode());
        store.put(Bytes.wrap(keys.get(4)), masks.encode());
        store.commit(Map.of(CHANGELOG, 5L));
        store.close();

        store = open(state);
        UnsealedSegment s = store.segment(key).orElseThrow();
        assertThat(s.contentItems()).isEqualTo(2); // the frame and the observation
        assertThat(UnsealedArchiveStore.keysOf(s)).containsExactlyElementsOf(keys);
        requestSeal(store, key);
        store.commit(Map.of(CHANGELOG, 6L));
        outcomes.addAll(store.drainOutcomes());
        assertThat(outcomes).hasSize(1);
        assertThat(outcomes.get(0).failure()).isNull();
        try (SequenceReader r = SequenceReader.open(tmp.resolve("archives/rec.ncore4.zarr.itar"))) {
            assertThat(r.cuboidObservations()).containsExactly(cuboid);
            assertThat(r.cameraMasks()).containsExactly(masks.masks());
            assertThat(r.componentMeta().get("cameras/cam0")).isEqualTo(meta.meta().meta());
            assertThat(r.poses()).containsExactly(pose);
        }
        store.close();
    }

    /**
     * A segment of more than 300 000 zarr nodes (tiny frames) is built and sealed in a child JVM whose whole heap
     * is 64 MiB: sealing holds no per-node state beyond a few bytes per frame. The archive is read back here, in
     * the test's own heap.
     */
    @Test
    void aSegmentOfThreeHundredThousandNodesSealsInASmallHeap() throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaBin.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                SmallHeapSegmentSeal.class.getName(), tmp.toString(), "101000").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("frames=101000");
        Path archive = tmp.resolve("archives/nodes.ncore4.zarr.itar");
        try (dev.itar.zarr.ZarrArchiveReader r = dev.itar.zarr.ZarrArchiveReader.open(archive)) {
            assertThat(r.nodes()).hasSizeGreaterThanOrEqualTo(300_000);
        }
        assertThat(ArchiveVerifier.verify(archive).problems()).isEmpty();
    }

    @Test
    void filesThatDoNotHoldWhatTheManifestSaysMeanARestoreFromTheStart() throws Exception {
        Path state = tmp.resolve("state");
        SegmentKey key = new SegmentKey("rec", 0);
        UnsealedArchiveStore store = open(state);
        putFrame(store, key, T + 100);
        store.commit(Map.of(CHANGELOG, 7L));
        store.close();
        Path body = state.resolve(UnsealedArchiveStoreSupplier.NAME).resolve("rec.0.itar");
        Files.write(body, new byte[512]); // lost most of its bytes (e.g. a power loss)

        store = open(state);
        assertThat(store.committedOffset(CHANGELOG)).isNull(); // Kafka Streams restores the changelog from the start
        assertThat(store.segments()).isEmpty();
        assertThat(body).doesNotExist();
        assertThat(IndexedTarWriter.memberIndexOf(body)).doesNotExist();
        store.close();
    }

    /**
     * The manifest is not forced to disk at a commit, so a power loss may leave it empty or cut short: the store then
     * starts empty and restores from its changelog, instead of failing its task.
     */
    @Test
    void aManifestThatCannotBeReadMeansARestoreFromTheStart() throws Exception {
        Path state = tmp.resolve("state");
        SegmentKey key = new SegmentKey("rec", 0);
        Path dir = state.resolve(UnsealedArchiveStoreSupplier.NAME);
        for (int keep : new int[] {0, 9}) {
            UnsealedArchiveStore store = open(state);
            putFrame(store, key, T + 100);
            store.commit(Map.of(CHANGELOG, 7L));
            store.close();
            byte[] manifest = Files.readAllBytes(dir.resolve(Manifest.FILE));
            assertThat(manifest.length).isGreaterThan(keep);
            Files.write(dir.resolve(Manifest.FILE), java.util.Arrays.copyOf(manifest, keep));

            store = open(state);
            assertThat(store.committedOffset(CHANGELOG)).as("manifest cut to " + keep + " bytes").isNull();
            assertThat(store.segments()).isEmpty();
            assertThat(dir.resolve("rec.0.itar")).doesNotExist();
            store.close();
        }
    }

    /**
     * The live path appends the frame its processor encoded and logs only where the input record is; a restore
     * (the same puts, nothing staged) reads those records again and encodes them: the same archive, byte for byte.
     */
    @Test
    void framesNamedByTheirInputRecordsAreEncodedAgainOnRestoreIntoTheSameArchive() throws Exception {
        SegmentKey key = new SegmentKey("refs", 0);
        Map<Long, byte[]> topic = new java.util.HashMap<>();
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> references = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] value = dev.itar.frames.WireEncoder.encode(TestRecordings.cameraFrame("cam0", T + 100 * (i + 1), i));
            long offset = 10L + 2 * i; // other records between them
            topic.put(offset, value);
            keys.add(key.key(SegmentKey.FRAME, UnsealedArchiveStore.frameItem("cameras", "cam0", T + 100 * (i + 1))));
            references.add(SegmentItems.frameAt(new SegmentItems.FrameAt(0, offset, value.length,
                    RecordFingerprint.crc32c(value))));
        }

        UnsealedArchiveStore live = open(tmp.resolve("live"), tmp.resolve("live-archives"), (partition, offset) -> {
            throw new AssertionError("the live path reads no input record");
        });
        FrameEncoder encoder = new FrameEncoder();
        for (int i = 0; i < 3; i++) {
            EncodedFrame f = encoder.encode(TestRecordings.cameraFrame("cam0", T + 100 * (i + 1), i));
            live.stageFrame(keys.get(i), SegmentItems.frame(f.entry(), f.chunks()));
            live.put(Bytes.wrap(keys.get(i)), references.get(i));
        }
        Path first = sealAt(live, key, tmp.resolve("live-archives"));

        List<Long> read = new ArrayList<>();
        UnsealedArchiveStore restored = open(tmp.resolve("restored"), tmp.resolve("restored-archives"),
                (partition, offset) -> {
                    assertThat(partition).isZero();
                    read.add(offset);
                    return topic.get(offset);
                });
        for (int i = 0; i < 3; i++) {
            restored.put(Bytes.wrap(keys.get(i)), references.get(i));
        }
        Path second = sealAt(restored, key, tmp.resolve("restored-archives"));

        assertThat(read).containsExactly(10L, 12L, 14L);
        assertThat(ArchiveVerifier.verify(second).problems()).isEmpty();
        assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
    }

    /** A reference whose record is not the one it names (another length or CRC) fails the restore, naming it. */
    @Test
    void aReferenceToAnotherRecordFailsTheRestoreNamingItsOffset() {
        SegmentKey key = new SegmentKey("refs", 0);
        byte[] value = dev.itar.frames.WireEncoder.encode(TestRecordings.cameraFrame("cam0", T + 100, 0));
        byte[] other = dev.itar.frames.WireEncoder.encode(TestRecordings.cameraFrame("cam0", T + 100, 1));
        UnsealedArchiveStore restored = open(tmp.resolve("state"), tmp.resolve("archives"), (partition, offset) -> other);
        byte[] k = key.key(SegmentKey.FRAME, UnsealedArchiveStore.frameItem("cameras", "cam0", T + 100));
        byte[] reference = SegmentItems.frameAt(new SegmentItems.FrameAt(3, 77, value.length,
                RecordFingerprint.crc32c(value)));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> restored.put(Bytes.wrap(k), reference))
                .isInstanceOf(StateFormatException.class)
                .hasMessageContaining("partition 3, offset 77")
                .hasMessageContaining("recording 'refs'");
        assertThat(restored.segment(key).orElseThrow().contentItems()).isZero();
        restored.close();
    }

    /** Requests and commits the seal of {@code key}, runs it, and returns the archive it published. */
    private Path sealAt(UnsealedArchiveStore store, SegmentKey key, Path archives) throws Exception {
        requestSeal(store, key);
        store.commit(Map.of(CHANGELOG, 9L));
        List<SealOutcome> sealed = store.drainOutcomes();
        assertThat(sealed).hasSize(1);
        assertThat(sealed.get(0).failure()).isNull();
        store.close();
        return archives.resolve(key.recordingId() + ".ncore4.zarr.itar");
    }

    @Test
    void asAStandbyTheStoreFollowsCommitsButSealsOnlyOnceItsTaskIsActiveHere() throws Exception {
        SegmentKey key = new SegmentKey("standby", 0);
        UnsealedArchiveStore store = open(tmp.resolve("state"));
        store.detach(); // the task stays here as a standby: its changelog arrives as restored records
        putFrame(store, key, T + 100);
        requestSeal(store, key);
        store.commit(Map.of(CHANGELOG, 3L));
        store.startSeal(key);
        assertThat(store.segment(key)).hasValueSatisfying(s -> assertThat(s.sealCommitted()).isTrue());
        assertThat(store.drainOutcomes()).as("seals of a standby").isEmpty();
        Path archive = tmp.resolve("archives/standby.ncore4.zarr.itar");
        assertThat(archive).doesNotExist();

        store.attach(keys -> { }); // promoted: its processor starts the committed seal
        store.startSeal(key);
        List<SealOutcome> sealed = store.drainOutcomes();
        assertThat(sealed).hasSize(1);
        assertThat(sealed.get(0).failure()).isNull();
        assertThat(archive).exists();
        store.close();
    }

    @Test
    void aSealInterruptedAfterPublishingIsCompletedFromItsMarker() throws Exception {
        Path state = tmp.resolve("state");
        SegmentKey key = new SegmentKey("pub", 0);
        UnsealedArchiveStore store = open(state);
        putFrame(store, key, T + 100);
        requestSeal(store, key);
        store.commit(Map.of(CHANGELOG, 3L)); // seals (same thread) and publishes
        assertThat(store.drainOutcomes()).hasSize(1);
        Path archive = tmp.resolve("archives/pub.ncore4.zarr.itar");
        byte[] published = Files.readAllBytes(archive);
        store.close(); // as if the process died before the sealed event was committed

        store = open(state);
        store.startSeal(key); // what the processor does on init for a committed seal request
        List<SealOutcome> again = store.drainOutcomes();
        assertThat(again).hasSize(1);
        assertThat(again.get(0).failure()).isNull();
        assertThat(again.get(0).sealed().bytes()).isEqualTo(published.length);
        assertThat(Files.readAllBytes(archive)).isEqualTo(published);
        store.close();
    }
}
