package dev.itar.frames;

/**
 * One record of wire format v1 (see {@code wire-format.md}), and the one model of these values in the
 * application: ingest encodes decoded frames into an ncore archive as they are, and reading an archive
 * gives them back ({@code ncore.SequenceReader}). Instances come from
 * {@link WireDecoder#decode(String, byte[])} (fully validated), from an archive, or are built by
 * producers and tests and turned into bytes by {@link WireEncoder#encode(Frame)}.
 *
 * <p>Byte-array components are not copied (images and point clouds are large); treat them as
 * read-only. {@code equals}/{@code hashCode} compare array contents, so a producer retry of the
 * same frame compares equal.
 */
public sealed interface Frame
        permits StartFrame, SensorFrame, PoseFrame, StaticPoseFrame, IntrinsicsFrame, ComponentMetaFrame,
        CameraMasksFrame, CuboidObservationFrame, EndFrame {

    /**
     * The wire {@code type} value: start, camera, lidar, radar, pose, static_pose, intrinsics, component_meta,
     * camera_masks, cuboid_observation, end.
     */
    String type();
}
