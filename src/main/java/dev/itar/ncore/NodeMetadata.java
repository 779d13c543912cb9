package dev.itar.ncore;

import dev.itar.zarr.ArrayMetadata;
import dev.itar.zarr.Codec;
import dev.itar.zarr.CodecPipeline;
import dev.itar.zarr.DataType;
import dev.itar.zarr.GroupMetadata;
import dev.itar.zarr.ZarrFormatException;
import java.util.List;

/** The zarr v3 metadata of a {@link FrameNode}: one place, used when encoding chunks and when sealing. */
final class NodeMetadata {
    private NodeMetadata() {}

    static ArrayMetadata array(FrameNode node) {
        if (!node.array()) {
            throw new IllegalArgumentException("frame node " + node.path() + " is a group");
        }
        DataType type = Dtypes.parse(node.dtype());
        var attrs = JsonValues.toPlainMap(node.attributes());
        if (node.compressed()) {
            return ArrayMetadata.ncoreNumeric(node.shape(), node.chunkShape(), type, attrs);
        }
        if (type.isBytes() && node.shape().length == 0) {
            return ArrayMetadata.ncoreBytes(type.itemSize(), attrs);
        }
        return ArrayMetadata.of(node.shape(), node.chunkShape(), type, null, List.of(Codec.bytesFor(type)), attrs);
    }

    static GroupMetadata group(FrameNode node) {
        return new GroupMetadata(JsonValues.toPlainMap(node.attributes()));
    }

    static CodecPipeline pipeline(ArrayMetadata md) {
        try {
            return CodecPipeline.of(md);
        } catch (ZarrFormatException e) {
            // our own metadata always has a supported codec chain
            throw new IllegalStateException("cannot build codec pipeline for " + md + ": " + e.getMessage(), e);
        }
    }
}
