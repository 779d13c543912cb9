package dev.itar.zarr;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.itar.archive.Cbor;
import dev.itar.archive.Compression;
import dev.itar.archive.NonClosingOutputStream;
import dev.itar.archive.SpillBuffer;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The root {@code zarr.json} with the whole hierarchy inlined as zarr consolidated metadata, compressed in one of
 * the three spellings ncore has used ({@link RootDialect}). Every other node's metadata is added as the node is
 * written and kept as CBOR in a {@link SpillBuffer} (memory, then a temp file), so building the root holds no
 * tree of the hierarchy whatever its size.
 *
 * <p>Layout as zarr-python 3.1's {@code consolidate_metadata} writes it: the root group document with
 * {@code "consolidated_metadata": {"kind": "inline", "must_understand": false, "metadata": {path: document}}}
 * between {@code zarr_format} and {@code node_type}; consolidated child groups carry an empty inline
 * consolidated metadata of their own. Entries are in the order nodes were written.
 */
final class ConsolidatedMetadata implements Closeable {
    private static final int SPOOL_MEMORY = 2 << 20;

    private final SpillBuffer spool;
    private long count;
    private WrittenNodes written = WrittenNodes.NONE;

    ConsolidatedMetadata(Path spillDir) throws IOException {
        this.spool = new SpillBuffer(spillDir, SPOOL_MEMORY);
    }

    /** The consolidated entry of the node at {@code path}. */
    void add(String path, RenderedNode node) throws IOException {
        writeEntry(spool, path, node);
        count++;
    }

    /** Entries of nodes an earlier writer put into the archive: they come first in the root. */
    void addWritten(WrittenNodes nodes) {
        if (written != WrittenNodes.NONE) {
            throw new IllegalStateException("the nodes written before were already declared");
        }
        written = nodes;
    }

    /**
     * One map entry of the consolidated metadata: the path as CBOR text, then the document (the map's head is
     * written with the root).
     */
    static void writeEntry(OutputStream out, String path, RenderedNode node) throws IOException {
        byte[] utf8 = path.getBytes(StandardCharsets.UTF_8);
        Cbor.writeHead(out, Cbor.TEXT, utf8.length);
        out.write(utf8);
        out.write(node.consolidatedEntry());
    }

    /** Writes the stored form of the root, {@code dialect}'s compression of its CBOR, to {@code out}. */
    void writeRoot(OutputStream out, RootDialect dialect, GroupMetadata root) throws IOException {
        ByteArrayOutputStream prefix = new ByteArrayOutputStream();
        try (JsonGenerator gen = Cbor.generator(new NonClosingOutputStream(prefix))) {
            // the maps opened here are completed by hand below, not by the generator
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
            if (dialect == RootDialect.PR68) {
                gen.writeStartObject(null, 2);
                gen.writeFieldName("zarr_consolidated_format");
                gen.writeNumber(1);
                gen.writeFieldName("metadata");
            }
            gen.writeStartObject(null, 4);
            gen.writeFieldName("attributes");
            MetadataCbor.write(gen, root.attributes());
            gen.writeFieldName("zarr_format");
            gen.writeNumber(3);
            gen.writeFieldName("consolidated_metadata");
            gen.writeStartObject(null, 3);
            gen.writeFieldName("kind");
            MetadataCbor.text(gen, "inline");
            gen.writeFieldName("must_understand");
            gen.writeBoolean(false);
            gen.writeFieldName("metadata");
            // the generator cannot take entries encoded elsewhere: the rest is written around it
            gen.flush();
        }
        Cbor.writeHead(prefix, Cbor.MAP, written.count() + count);
        ByteArrayOutputStream suffix = new ByteArrayOutputStream();
        text(suffix, "node_type");
        text(suffix, "group");

        long length = prefix.size() + written.bytes() + spool.size() + suffix.size();
        try (OutputStream compressed = dialect == RootDialect.NCORE20_ZLIB ? Compression.zlib9Output(new NonClosingOutputStream(out))
                : Compression.xzOutput(new NonClosingOutputStream(out), length);
             InputStream entries = spool.open()) {
            prefix.writeTo(compressed);
            if (written.count() > 0) {
                try (InputStream before = written.entries().open()) {
                    long n = before.transferTo(compressed);
                    if (n != written.bytes()) {
                        throw new IOException("the consolidated entries of the " + written.count() + " nodes written "
                                + "before came to " + n + " bytes, not the " + written.bytes() + " declared");
                    }
                }
            }
            entries.transferTo(compressed);
            suffix.writeTo(compressed);
        }
    }

    private static void text(OutputStream out, String ascii) throws IOException {
        Cbor.writeHead(out, Cbor.TEXT, ascii.length());
        out.write(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() throws IOException {
        spool.close();
    }
}
