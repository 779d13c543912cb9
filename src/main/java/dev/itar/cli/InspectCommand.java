package dev.itar.cli;

import dev.itar.archive.ByteSource;
import dev.itar.archive.IndexEntry;
import dev.itar.archive.IndexedTarReader;
import dev.itar.storage.StorageException;
import dev.itar.zarr.ArchiveSummary;
import dev.itar.zarr.ArrayMetadata;
import dev.itar.zarr.Codec;
import dev.itar.zarr.Node;
import dev.itar.zarr.PyJson;
import dev.itar.zarr.ZarrArchiveReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        header = "Shows an archive: node tree, shapes, dtypes, codecs, attributes, overhead.",
        description = "Shows an archive: zarr format, node tree with shapes, dtypes, codecs and attributes, "
                + "member count, and payload bytes against file bytes. FILE may be s3://bucket/key: only the "
                + "object's tail (and metadata members outside it) are read (settings: ITAR_S3_*, then the AWS "
                + "SDK's default chains). Given a local sequence meta .json, shows each component store it lists, "
                + "after checking their md5s against it.")
final class InspectCommand extends ConsoleCommand {
    /** Attribute JSON longer than this is cut in the tree view; --json always prints it whole. */
    private static final int ATTRIBUTE_WIDTH = 160;

    @Parameters(index = "0", paramLabel = "FILE", description = "the .zarr.itar archive: a file or s3://bucket/key; "
            + "or a sequence meta .json")
    String file;

    @Option(names = "--json", description = "print one JSON document instead of the tree")
    boolean json;

    @Option(names = "--digests", description = "add to each array node the sha256 of its decoded content (C order, "
            + "little-endian, missing chunks as fill value; byte strings without trailing NULs, joined by one NUL: "
            + "the reference fixtures' manifest digest), so archives compare by content")
    boolean digests;

    @Override
    public Integer call() {
        List<String> stores;
        try {
            stores = ArchiveInputs.stores(file);
        } catch (StorageException e) {
            err().println(e.getMessage());
            return ArchiveExit.UNREADABLE;
        } catch (ArchiveInputs.InputException e) {
            err().println(e.getMessage());
            return e.exit();
        } catch (IOException | RuntimeException e) {
            err().println(ArchiveInputs.oneLine(file, e));
            return ArchiveExit.INVALID;
        }
        List<Object> docs = new ArrayList<>();
        for (String store : stores) {
            try (ByteSource source = ArchiveSources.open(store);
                 ZarrArchiveReader r = ZarrArchiveReader.open(source)) {
                Map<String, Object> doc = describe(r, digests);
                if (json) {
                    docs.add(doc);
                } else {
                    printTree(r, doc);
                }
            } catch (StorageException e) {
                err().println(e.getMessage());
                return ArchiveExit.UNREADABLE;
            } catch (IOException | RuntimeException e) {
                err().println(ArchiveInputs.oneLine(store, e));
                return ArchiveExit.INVALID;
            }
        }
        if (json) {
            Object doc = ArchiveInputs.isSequenceMeta(file) ? sequenceDocument(docs) : docs.get(0);
            out().println(new String(PyJson.dumps(doc, 2), StandardCharsets.UTF_8));
        }
        return ArchiveExit.OK;
    }

    private Map<String, Object> sequenceDocument(List<Object> stores) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("sequence_meta", file);
        doc.put("stores", stores);
        return doc;
    }

    static Map<String, Object> describe(ZarrArchiveReader r, boolean digests) throws IOException {
        IndexedTarReader a = r.archive();
        long payload = 0;
        for (IndexEntry e : a.entries()) {
            payload += e.size();
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("file", a.name());
        doc.put("zarr_format", r.zarrFormat());
        doc.put("root_dialect", r.rootDialect().map(d -> d.cliName()).orElse(null));
        doc.put("members", a.entries().size());
        doc.put("payload_bytes", payload);
        doc.put("file_bytes", a.fileSize());
        List<Object> nodes = new ArrayList<>();
        for (Node n : r.nodes().values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", n.path());
            m.put("kind", n.isArray() ? "array" : "group");
            if (n.isArray()) {
                ArrayMetadata md = n.array();
                m.put("shape", md.shape());
                m.put("chunk_shape", md.chunkShape());
                m.put("dtype", md.dataType().v3Name());
                List<Object> codecs = new ArrayList<>();
                for (Codec c : md.codecs()) {
                    codecs.add(c.toJson());
                }
                m.put("codecs", codecs);
                if (digests) {
                    m.put("sha256", ArchiveSummary.sha256(r.readArray(n.path())));
                }
            }
            m.put("attributes", n.attributes());
            nodes.add(m);
        }
        doc.put("nodes", nodes);
        return doc;
    }

    private void printTree(ZarrArchiveReader r, Map<String, Object> doc) {
        Map<Object, Object> digestByPath = new java.util.HashMap<>();
        for (Object o : (List<?>) doc.get("nodes")) {
            Map<?, ?> m = (Map<?, ?>) o;
            digestByPath.put(m.get("path"), m.get("sha256"));
        }
        long payload = (Long) doc.get("payload_bytes");
        long fileBytes = (Long) doc.get("file_bytes");
        out().printf("%s%n  zarr format %d%s, %d nodes, %d members%n  payload %d bytes of %d file bytes (%.2f%% container overhead)%n",
                doc.get("file"), r.zarrFormat(),
                doc.get("root_dialect") == null ? "" : ", compressed root " + doc.get("root_dialect"),
                r.nodes().size(), doc.get("members"), payload, fileBytes,
                fileBytes == 0 ? 0.0 : 100.0 * (fileBytes - payload) / fileBytes);
        for (Node n : r.nodes().values()) {
            int depth = n.path().isEmpty() ? 0 : n.path().split("/").length;
            String name = n.path().isEmpty() ? "/" : n.path().substring(n.path().lastIndexOf('/') + 1);
            StringBuilder line = new StringBuilder("  ".repeat(depth + 1)).append(name);
            if (n.isArray()) {
                ArrayMetadata md = n.array();
                line.append("  ").append(md.dataType().v3Name()).append(' ').append(shape(md.shape()))
                        .append(" chunks ").append(shape(md.chunkShape())).append(' ');
                List<String> codecs = new ArrayList<>();
                for (Codec c : md.codecs()) {
                    codecs.add(c.name() + (c.name().equals("blosc") ? "(" + c.configuration().get("cname") + ","
                            + c.configuration().get("clevel") + "," + c.configuration().get("shuffle") + ")" : ""));
                }
                line.append(String.join("+", codecs));
                if (digests) {
                    line.append("  sha256 ").append(digestByPath.get(n.path()));
                }
            } else {
                line.append('/');
            }
            if (!n.attributes().isEmpty()) {
                String attrs = new String(PyJson.dumpsCompact(n.attributes()), StandardCharsets.UTF_8);
                line.append("  ").append(attrs.length() > ATTRIBUTE_WIDTH
                        ? attrs.substring(0, ATTRIBUTE_WIDTH) + "…" : attrs);
            }
            out().println(line);
        }
    }

    private static String shape(long[] s) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < s.length; i++) {
            b.append(i == 0 ? "" : ", ").append(s[i]);
        }
        return b.append(s.length == 1 ? ",)" : ")").toString();
    }
}
