package dev.itar.ingest;

import dev.itar.frames.CameraFrame;
import dev.itar.ncore.EncodedFrame;
import dev.itar.ncore.FrameEncoder;
import dev.itar.ncore.SequenceHeader;
import dev.itar.zarr.RootDialect;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * Run in a child JVM with a small -Xmx by {@link UnsealedArchiveStoreTest}: builds one segment of {@code count}
 * tiny camera frames in an unsealed-archive store, as ingest does, and seals it the way ingest does. Each frame
 * is three zarr nodes (frame group, its generic data group, the image array), so the heap needed grows with the
 * node count, if at all, and not with bytes. Exits non-zero on OutOfMemoryError or a failed seal. (Reading the
 * archive back needs more heap than writing it: the reader holds the index and the consolidated root.)
 */
public final class SmallHeapSegmentSeal {
    private SmallHeapSegmentSeal() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        UnsealedArchiveStore store = new UnsealedArchiveStore(UnsealedArchiveStoreSupplier.NAME,
                TestArchiveStores.directory(dir.resolve("archives")), RootDialect.PR68, new DirectExecutor(), s -> { },
                () -> (partition, offset) -> {
                    throw new AssertionError("no frame is read from the input topic here");
                });
        store.init(new MockProcessorContext<>(new Properties(), new TaskId(0, 0), dir.resolve("state").toFile())
                .getStateStoreContext(), store);
        store.attach(keys -> keys.forEach(store::startSeal));
        TopicPartition changelog = new TopicPartition("changelog", 0);
        SegmentKey key = new SegmentKey("nodes", 0);
        FrameEncoder encoder = new FrameEncoder();
        for (int i = 0; i < count; i++) {
            long t = 1_600_000_000_000_000L + i * 1000L;
            EncodedFrame f = encoder.encode(new CameraFrame("cam0", t, t, "raw", new byte[] {(byte) i, 1, 2, 3},
                    null, null));
            store.put(Bytes.wrap(key.key(SegmentKey.FRAME, UnsealedArchiveStore.frameItem("cameras", "cam0", t))),
                    SegmentItems.frame(f.entry(), f.chunks()));
            if (i % 10_000 == 0) {
                store.commit(Map.of(changelog, (long) i));
            }
        }
        store.put(Bytes.wrap(key.key(SegmentKey.SEAL, "")), SegmentItems.sealRequest(new SegmentItems.SealRequest(
                "nodes", 0, "nodes.ncore4.zarr.itar", "nodes.json", new SequenceHeader("nodes", null,
                OptionalLong.empty()), List.of(), List.of(), "end", Long.MIN_VALUE, Long.MAX_VALUE, 0)));
        store.commit(Map.of(changelog, (long) count));
        List<SealOutcome> outcomes = store.drainOutcomes();
        if (outcomes.size() != 1 || !outcomes.get(0).succeeded()) {
            throw new AssertionError("seal failed: " + outcomes, outcomes.isEmpty() ? null : outcomes.get(0).failure());
        }
        System.out.println("frames=" + outcomes.get(0).sealed().framesPerSensor().get("cameras/cam0") + " bytes="
                + outcomes.get(0).sealed().bytes());
        store.close();
    }
}
