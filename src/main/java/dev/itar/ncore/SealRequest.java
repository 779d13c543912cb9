package dev.itar.ncore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.frames.CameraMasksFrame;
import dev.itar.frames.CuboidObservationFrame;
import dev.itar.frames.IntrinsicsFrame;
import dev.itar.frames.PoseFrame;
import dev.itar.frames.RecordingIds;
import dev.itar.frames.StaticPoseFrame;
import dev.itar.zarr.RootDialect;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything {@link SequenceSealer} needs to write one recording's archive.
 *
 * @param archiveDir    directory of the archive and its sequence meta sidecar
 * @param recordingId   names the files {@code <id>.ncore4.zarr.itar} and {@code <id>.json}
 * @param header        sequence id, generic meta data and optional end time
 * @param frames        every frame's entry (any order; sorted by component, sensor, t1 is expected)
 * @param poses         dynamic pose samples (any order; sorted by source, target, t is expected)
 * @param staticPoses   static poses (stored sorted by their key)
 * @param intrinsics    sensor intrinsics
 * @param chunks        every chunk of every frame, in any order (the archive keeps the order given)
 * @param dialect       how the consolidated root metadata is stored
 * @param componentMeta optional sensor-level {@code generic_meta_data}, keyed {@code <component>/<instance>}
 *                      (e.g. {@code cameras/cam0}); instances without an entry get {@code {}}
 * @param cameraMasks   camera masks (see {@link SequenceContent#cameraMasks()})
 * @param cuboids       cuboid observations (see {@link SequenceContent#cuboidObservations()})
 */
public record SealRequest(Path archiveDir, String recordingId, SequenceHeader header, Iterator<FrameEntry> frames,
                          Iterator<PoseFrame> poses, List<StaticPoseFrame> staticPoses,
                          List<IntrinsicsFrame> intrinsics, Iterator<Chunk> chunks, RootDialect dialect,
                          SortedMap<String, ObjectNode> componentMeta, Iterator<CameraMasksFrame> cameraMasks,
                          Iterator<CuboidObservationFrame> cuboids) {

    public SealRequest {
        Objects.requireNonNull(archiveDir, "archiveDir");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(frames, "frames");
        Objects.requireNonNull(poses, "poses");
        Objects.requireNonNull(chunks, "chunks");
        Objects.requireNonNull(dialect, "dialect");
        if (!RecordingIds.isValid(recordingId)) {
            throw new IllegalArgumentException("bad recording id \"" + recordingId
                    + "\"; expected ^" + RecordingIds.syntax() + "$");
        }
        staticPoses = List.copyOf(staticPoses == null ? List.of() : staticPoses);
        intrinsics = List.copyOf(intrinsics == null ? List.of() : intrinsics);
        componentMeta = componentMeta == null ? new TreeMap<>() : new TreeMap<>(componentMeta);
        cameraMasks = cameraMasks == null ? Collections.emptyIterator() : cameraMasks;
        cuboids = cuboids == null ? Collections.emptyIterator() : cuboids;
    }

    /** A request without masks and cuboid observations. */
    public SealRequest(Path archiveDir, String recordingId, SequenceHeader header, Iterator<FrameEntry> frames,
                       Iterator<PoseFrame> poses, List<StaticPoseFrame> staticPoses,
                       List<IntrinsicsFrame> intrinsics, Iterator<Chunk> chunks, RootDialect dialect,
                       SortedMap<String, ObjectNode> componentMeta) {
        this(archiveDir, recordingId, header, frames, poses, staticPoses, intrinsics, chunks, dialect, componentMeta,
                null, null);
    }

    /** A request without component meta data, masks and cuboid observations (a wire format 1.0 recording). */
    public SealRequest(Path archiveDir, String recordingId, SequenceHeader header, Iterator<FrameEntry> frames,
                       Iterator<PoseFrame> poses, List<StaticPoseFrame> staticPoses,
                       List<IntrinsicsFrame> intrinsics, Iterator<Chunk> chunks, RootDialect dialect) {
        this(archiveDir, recordingId, header, frames, poses, staticPoses, intrinsics, chunks, dialect, null, null,
                null);
    }

    /** The archive file name: {@code <recording id>.ncore4.zarr.itar}. */
    public String archiveFileName() {
        return recordingId + ".ncore4.zarr.itar";
    }

    /** The sequence meta sidecar file name: {@code <recording id>.json}. */
    public String sequenceMetaFileName() {
        return recordingId + ".json";
    }
}
