package dev.itar.ncore;

import dev.itar.archive.DuplicateKeyException;
import dev.itar.archive.IndexedTarWriter;
import dev.itar.zarr.RenderedNode;
import dev.itar.zarr.ZarrArchiveWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes the nodes of frames ({@code frames/<t1>} and everything below it), rendering each node's metadata from its
 * {@link FrameNode}. Consecutive frames of a sensor mostly repeat a node unchanged (an array of the same shape, a
 * group with the same attributes); the last rendering at each place of a sensor's frames is kept and reused then.
 * Either through the {@link ZarrArchiveWriter} that finishes the archive ({@link SequenceSealer}), or straight into
 * an archive under construction as each frame arrives, returning the consolidated entries its writer is given at
 * the end ({@link ZarrArchiveWriter#declareWritten}). Both give the same members and entries.
 */
public final class FrameNodes {
    private record Rendering(FrameNode node, RenderedNode rendered) {
    }

    private final Map<String, Rendering> last = new HashMap<>();

    /** The frame's nodes, declared through the writer that finishes the archive. */
    void write(ZarrArchiveWriter zarr, FrameEntry f) throws IOException {
        for (FrameNode n : f.nodes()) {
            try {
                zarr.createNode(path(f, n), rendered(f, n));
            } catch (DuplicateKeyException e) {
                throw new IllegalArgumentException("duplicate frame " + f.framePath(), e);
            }
        }
    }

    /**
     * The frame's nodes, written into an archive under construction; returns their consolidated entries, in order.
     *
     * @throws IllegalArgumentException the frame's nodes are already in the archive
     */
    public byte[] write(IndexedTarWriter archive, FrameEntry f) throws IOException {
        ByteArrayOutputStream entries = new ByteArrayOutputStream(1024);
        for (FrameNode n : f.nodes()) {
            try {
                entries.write(ZarrArchiveWriter.writeNode(archive, path(f, n), rendered(f, n)));
            } catch (DuplicateKeyException e) {
                throw new IllegalArgumentException("duplicate frame " + f.framePath(), e);
            }
        }
        return entries.toByteArray();
    }

    private static String path(FrameEntry f, FrameNode n) {
        return n.path().isEmpty() ? f.framePath() : f.framePath() + "/" + n.path();
    }

    private RenderedNode rendered(FrameEntry frame, FrameNode node) {
        String place = frame.component() + "/" + frame.sensor() + "/" + node.path();
        Rendering r = last.get(place);
        if (r == null || !r.node().equals(node)) {
            r = new Rendering(node, node.array() ? RenderedNode.of(NodeMetadata.array(node))
                    : RenderedNode.of(NodeMetadata.group(node)));
            last.put(place, r);
        }
        return r.rendered();
    }
}
