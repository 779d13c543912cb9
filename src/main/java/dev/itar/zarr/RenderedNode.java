package dev.itar.zarr;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.itar.archive.Cbor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node's metadata rendered once into the two forms an archive holds: its {@code zarr.json} text and its entry in
 * the consolidated root (CBOR). A writer that declares many nodes with the same metadata (one per frame, say)
 * renders it once and declares each node with the same {@code RenderedNode}.
 */
public final class RenderedNode {
    private final byte[] json;
    private final byte[] consolidatedEntry;

    private RenderedNode(Map<String, Object> document, Map<String, Object> consolidatedDocument) {
        this.json = PyJson.dumps(document);
        this.consolidatedEntry = cbor(consolidatedDocument);
    }

    public static RenderedNode of(ArrayMetadata array) {
        Map<String, Object> document = array.toJsonMap();
        return new RenderedNode(document, document);
    }

    /** A group; its consolidated entry carries an empty inline consolidated metadata, as zarr-python writes it. */
    public static RenderedNode of(GroupMetadata group) {
        Map<String, Object> empty = new LinkedHashMap<>();
        empty.put("kind", "inline");
        empty.put("must_understand", false);
        empty.put("metadata", Map.of());
        return new RenderedNode(group.toJsonMap(), group.toJsonMap(empty));
    }

    byte[] json() {
        return json;
    }

    byte[] consolidatedEntry() {
        return consolidatedEntry;
    }

    private static byte[] cbor(Map<String, Object> document) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator gen = Cbor.generator(out)) {
            MetadataCbor.write(gen, document);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory only
        }
        return out.toByteArray();
    }
}
