package dev.itar.ncore;

import dev.itar.archive.FileDigests;
import dev.itar.archive.IndexEntry;
import dev.itar.zarr.Node;
import dev.itar.zarr.PyJson;
import dev.itar.zarr.RootDialect;
import dev.itar.zarr.ZarrArchiveReader;
import dev.itar.zarr.ZarrArchiveWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test helper: splits a one-store sequence into component-group stores the way ncore's
 * {@code SequenceComponentGroupsWriter} lays them out — {@code <base>.ncore4.zarr.itar} for the default group,
 * {@code <base>.ncore4-<group>.zarr.itar} for each named group, every store's root carrying the sequence
 * attributes and its {@code component_group_name}, and the sequence meta {@code <base>.json} listing each store's
 * file name, md5 and components.
 */
public final class SplitSequences {
    private SplitSequences() {}

    /**
     * @param groupOf component name → group name ("" or absent: the default group)
     * @return the sequence meta file
     */
    public static Path split(Path single, Path dir, String base, Map<String, String> groupOf) throws IOException {
        Files.createDirectories(dir);
        try (ZarrArchiveReader in = ZarrArchiveReader.open(single)) {
            Map<String, Object> rootAttrs = new LinkedHashMap<>(in.nodes().get("").attributes());
            TreeMap<String, List<Node>> nodesByGroup = new TreeMap<>();
            nodesByGroup.put("", new ArrayList<>());
            for (Node n : in.nodes().values()) {
                if (!n.path().isEmpty()) {
                    String component = n.path().split("/")[0];
                    nodesByGroup.computeIfAbsent(groupOf.getOrDefault(component, ""), k -> new ArrayList<>()).add(n);
                }
            }
            List<Object> stores = new ArrayList<>();
            for (var g : nodesByGroup.entrySet()) {
                String name = base + ".ncore4" + (g.getKey().isEmpty() ? "" : "-" + g.getKey()) + ".zarr.itar";
                Path target = dir.resolve(name);
                ZarrArchiveWriter out = ZarrArchiveWriter.create(target, RootDialect.PR68);
                Map<String, Object> components = new TreeMap<>();
                for (Node n : g.getValue()) {
                    if (n.isArray()) {
                        out.createArray(n.path(), n.array());
                        String prefix = n.path() + "/";
                        for (IndexEntry e : in.archive().entries()) {
                            // v3 default chunk keys: <path>/c, <path>/c/<i>/<j>...
                            if (e.key().equals(prefix + "c") || e.key().startsWith(prefix + "c/")) {
                                out.archive().put(e.key(), in.archive().get(e.key()).orElseThrow());
                            }
                        }
                    } else {
                        out.createGroup(n.path(), n.attributes());
                    }
                    String[] parts = n.path().split("/");
                    if (parts.length == 2 && n.attributes().containsKey("component_name")) {
                        Map<String, Object> inst = new LinkedHashMap<>();
                        inst.put("version", n.attributes().get("component_version"));
                        inst.put("generic_meta_data", n.attributes().get("generic_meta_data"));
                        @SuppressWarnings("unchecked")
                        Map<String, Object> c = (Map<String, Object>) components.computeIfAbsent(parts[0],
                                k -> new TreeMap<>());
                        c.put(parts[1], inst);
                    }
                }
                Map<String, Object> root = new LinkedHashMap<>(rootAttrs);
                root.put("component_group_name", g.getKey());
                out.createGroup("", root);
                out.finish();
                Map<String, Object> store = new LinkedHashMap<>();
                store.put("path", name);
                store.put("md5", FileDigests.of(target).md5());
                store.put("components", components);
                stores.add(store);
            }
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("sequence_id", rootAttrs.get("sequence_id"));
            meta.put("sequence_timestamp_interval_us", rootAttrs.get("sequence_timestamp_interval_us"));
            meta.put("generic_meta_data", rootAttrs.get("generic_meta_data"));
            meta.put("version", "v4");
            meta.put("component_stores", stores);
            Path metaFile = dir.resolve(base + ".json");
            Files.write(metaFile, PyJson.dumps(meta));
            return metaFile;
        }
    }

    /**
     * Copies a one-store sequence node for node and chunk for chunk, with the groups of {@code groups} added or,
     * where a group of that path exists, given those attributes instead (to make archives ncore could write but
     * this project's sealer would not).
     */
    public static Path copyWithGroups(Path single, Path target, Map<String, Map<String, Object>> groups)
            throws IOException {
        try (ZarrArchiveReader in = ZarrArchiveReader.open(single)) {
            ZarrArchiveWriter out = ZarrArchiveWriter.create(target, RootDialect.PR68);
            for (IndexEntry e : in.archive().entries()) {
                if (!e.key().endsWith("zarr.json") && !e.key().equals(RootDialect.PR68.key())) {
                    out.archive().put(e.key(), in.archive().get(e.key()).orElseThrow());
                }
            }
            Map<String, Map<String, Object>> todo = new TreeMap<>(groups);
            for (Node n : in.nodes().values()) {
                if (n.path().isEmpty()) {
                    continue;
                }
                if (n.isArray()) {
                    out.createArray(n.path(), n.array());
                } else {
                    Map<String, Object> replaced = todo.remove(n.path());
                    out.createGroup(n.path(), replaced != null ? replaced : n.attributes());
                }
            }
            for (var g : todo.entrySet()) {
                out.createGroup(g.getKey(), g.getValue());
            }
            out.createGroup("", in.nodes().get("").attributes());
            out.finish();
            return target;
        }
    }

    /** ncore's usual split: one group per sensor kind, masks and cuboids; poses and intrinsics in the default. */
    public static Map<String, String> byComponent() {
        return Map.of("cameras", "cameras", "lidars", "lidars", "radars", "radars", "masks", "masks",
                "cuboids", "cuboids");
    }
}
