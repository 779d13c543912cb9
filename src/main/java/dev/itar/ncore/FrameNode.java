package dev.itar.ncore;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Objects;

/**
 * One zarr node below a frame group, described well enough to render its {@code zarr.json} at seal time.
 *
 * @param path       path relative to the frame group {@code <component>/<sensor>/frames/<t1>}; "" is the frame
 *                   group itself, e.g. {@code generic_data}, {@code ray_bundle/direction}
 * @param attributes the node's attributes (never null; key order is kept)
 * @param dtype      null for a group; for an array {@code float32}... or {@code S<n>} (see {@link Dtypes})
 * @param shape      array shape (null for a group)
 * @param chunkShape array chunk shape (null for a group)
 * @param compressed array codecs: true = bytes + ncore blosc lz4; false = bytes only (encoded images)
 */
public record FrameNode(String path, ObjectNode attributes, String dtype, long[] shape, long[] chunkShape,
                        boolean compressed) {
    public FrameNode {
        Objects.requireNonNull(path, "path");
        attributes = attributes == null ? JsonNodeFactory.instance.objectNode() : attributes;
        if ((dtype == null) != (shape == null) || (shape == null) != (chunkShape == null)) {
            throw new IllegalArgumentException("frame node " + path + ": dtype, shape and chunkShape go together");
        }
        if (shape != null && shape.length != chunkShape.length) {
            throw new IllegalArgumentException("frame node " + path + ": shape " + Arrays.toString(shape)
                    + " and chunk shape " + Arrays.toString(chunkShape) + " differ in rank");
        }
        shape = shape == null ? null : shape.clone();
        chunkShape = chunkShape == null ? null : chunkShape.clone();
    }

    static FrameNode group(String path, ObjectNode attributes) {
        return new FrameNode(path, attributes, null, null, null, false);
    }

    static FrameNode array(String path, ObjectNode attributes, String dtype, long[] shape, long[] chunkShape,
                           boolean compressed) {
        return new FrameNode(path, attributes, dtype, shape, chunkShape, compressed);
    }

    /** Whether this node is an array (not named isArray so Jackson does not see a property). */
    public boolean array() {
        return dtype != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameNode n && n.path.equals(path) && n.attributes.equals(attributes)
                && Objects.equals(n.dtype, dtype) && Arrays.equals(n.shape, shape)
                && Arrays.equals(n.chunkShape, chunkShape) && n.compressed == compressed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, attributes, dtype, Arrays.hashCode(shape), Arrays.hashCode(chunkShape), compressed);
    }

    @Override
    public String toString() {
        return array() ? "FrameNode[" + path + " " + dtype + Arrays.toString(shape) + "]" : "FrameNode[" + path + "/]";
    }
}
