package dev.itar.frames;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code cuboid_observation} (wire format 1.1): one observation of a tracked object's 3D bounding box, as ncore's
 * cuboids component stores it ({@code CuboidTrackObservation}).
 *
 * @param instance                  the cuboids component instance ({@code default} unless the producer names one)
 * @param trackId                   the object's track
 * @param classId                   the object's labelled class
 * @param timestampUs               the time of the observation's centroid
 * @param referenceFrameId          the frame the box is given in (e.g. a sensor id)
 * @param referenceFrameTimestampUs the time of that reference frame
 * @param centroid                  x, y, z of the box centre in the reference frame, metres
 * @param dim                       extents of the box along its own axes, metres
 * @param rot                       'XYZ' Euler angles orienting the box in the reference frame, radians
 * @param source                    one of {@link #SOURCES}
 * @param sourceVersion             the version of that source, if given
 */
public record CuboidObservationFrame(String instance, String trackId, String classId, long timestampUs,
                                     String referenceFrameId, long referenceFrameTimestampUs, double[] centroid,
                                     double[] dim, double[] rot, String source, Optional<String> sourceVersion)
        implements Frame {
    /** ncore's {@code LabelSource} names, in its order. */
    public static final List<String> SOURCES = List.of("AUTOLABEL", "EXTERNAL", "GT_SYNTHETIC", "GT_ANNOTATION");
    /** The cuboids instance a record without {@code instance} belongs to. */
    public static final String DEFAULT_INSTANCE = "default";

    public CuboidObservationFrame {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(trackId, "trackId");
        Objects.requireNonNull(classId, "classId");
        Objects.requireNonNull(referenceFrameId, "referenceFrameId");
        centroid = vector3(centroid, "centroid");
        dim = vector3(dim, "dim");
        rot = vector3(rot, "rot");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sourceVersion, "sourceVersion");
    }

    private static double[] vector3(double[] v, String name) {
        if (v == null || v.length != 3) {
            throw new IllegalArgumentException("cuboid " + name + " has 3 values, got "
                    + (v == null ? "null" : v.length));
        }
        return v.clone();
    }

    @Override
    public double[] centroid() {
        return centroid.clone();
    }

    @Override
    public double[] dim() {
        return dim.clone();
    }

    @Override
    public double[] rot() {
        return rot.clone();
    }

    @Override
    public String type() {
        return "cuboid_observation";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CuboidObservationFrame other && instance.equals(other.instance)
                && trackId.equals(other.trackId) && classId.equals(other.classId) && timestampUs == other.timestampUs
                && referenceFrameId.equals(other.referenceFrameId)
                && referenceFrameTimestampUs == other.referenceFrameTimestampUs
                && Arrays.equals(centroid, other.centroid) && Arrays.equals(dim, other.dim)
                && Arrays.equals(rot, other.rot) && source.equals(other.source)
                && sourceVersion.equals(other.sourceVersion);
    }

    @Override
    public int hashCode() {
        return Objects.hash(instance, trackId, classId, timestampUs, referenceFrameId, referenceFrameTimestampUs,
                Arrays.hashCode(centroid), Arrays.hashCode(dim), Arrays.hashCode(rot), source, sourceVersion);
    }

    @Override
    public String toString() {
        return "CuboidObservationFrame[instance=" + instance + ", trackId=" + trackId + ", classId=" + classId
                + ", timestampUs=" + timestampUs + ", referenceFrameId=" + referenceFrameId
                + ", referenceFrameTimestampUs=" + referenceFrameTimestampUs + ", centroid="
                + Arrays.toString(centroid) + ", dim=" + Arrays.toString(dim) + ", rot=" + Arrays.toString(rot)
                + ", source=" + source + ", sourceVersion=" + sourceVersion + "]";
    }
}
