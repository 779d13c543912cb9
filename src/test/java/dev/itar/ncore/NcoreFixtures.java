package dev.itar.ncore;

import dev.itar.frames.CameraMasksFrame;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.SensorFrame;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.zarr.RootDialect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/** Shared test helpers: the reference archive and a way to rebuild a sequence from it. */
final class NcoreFixtures {
    private NcoreFixtures() {}

    /** Everything read from an archive, re-encoded as ingest would have done it. */
    record Sequence(SequenceHeader header, List<EncodedFrame> frames, List<PoseFrame> poses,
                    List<StaticPoseFrame> staticPoses, List<IntrinsicsFrame> intrinsics,
                    java.util.SortedMap<String, com.fasterxml.jackson.databind.node.ObjectNode> componentMeta,
                    List<CameraMasksFrame> masks, List<CuboidObservationFrame> cuboids) {

        Sequence(SequenceHeader header, List<EncodedFrame> frames, List<PoseFrame> poses,
                 List<StaticPoseFrame> staticPoses, List<IntrinsicsFrame> intrinsics,
                 java.util.SortedMap<String, com.fasterxml.jackson.databind.node.ObjectNode> componentMeta) {
            this(header, frames, poses, staticPoses, intrinsics, componentMeta, List.of(), List.of());
        }

        List<Chunk> sortedChunks() {
            List<Chunk> all = new ArrayList<>();
            frames.forEach(f -> all.addAll(f.chunks()));
            all.sort(Comparator.comparing(Chunk::key));
            return all;
        }

        SealRequest request(Path dir, String id, RootDialect dialect) {
            // sensor-level meta only for instances that exist (readers report poses/intrinsics too)
            java.util.SortedMap<String, com.fasterxml.jackson.databind.node.ObjectNode> meta = new java.util.TreeMap<>(componentMeta);
            return new SealRequest(dir, id, header, frames.stream().map(EncodedFrame::entry).iterator(),
                    poses.iterator(), staticPoses, intrinsics, sortedChunks().iterator(), dialect, meta,
                    masks.iterator(), cuboids.iterator());
        }
    }

    static Sequence read(Path archive) throws IOException {
        FrameEncoder enc = new FrameEncoder();
        try (SequenceReader r = SequenceReader.open(archive)) {
            List<EncodedFrame> frames = new ArrayList<>();
            Iterator<SensorFrame> it = r.frames();
            while (it.hasNext()) {
                frames.add(enc.encode(it.next()));
            }
            return new Sequence(r.header(), frames, r.poses(), r.staticPoses(), r.intrinsics(), r.componentMeta(),
                    r.cameraMasks(), r.cuboidObservations());
        }
    }

    static byte[] bytes(Path p) throws IOException {
        return Files.readAllBytes(p);
    }
}
