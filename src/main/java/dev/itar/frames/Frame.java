package dev.itar.frames;

/**
 * One decoded wire-format v1 record (see {@code wire-format.md}). Instances come from
 * {@link WireDecoder#decode(String, byte[])} (fully validated) or are built by producers and
 * tests and turned into bytes by {@link WireEncoder#encode(Frame)}.
 *
 * <p>Byte-array components are not copied (images and point clouds are large); treat them as
 * read-only. {@code equals}/{@code hashCode} compare array contents, so a producer retry of the
 * same frame compares equal.
 */
public sealed interface Frame
        permits StartFrame, SensorFrame, PoseFrame, StaticPoseFrame, IntrinsicsFrame, EndFrame {

    /** The wire {@code type} value: start, camera, lidar, radar, pose, static_pose, intrinsics, end. */
    String type();
}
