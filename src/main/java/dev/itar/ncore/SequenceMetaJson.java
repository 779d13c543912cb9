package dev.itar.ncore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.zarr.PyJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * ncore's {@code SequenceMeta} sidecar (components.py SequenceMeta / get_sequence_meta), written as ncore's
 * converters write it: {@code json.dump(meta.to_dict(), f, indent=2)}.
 *
 * <pre>
 * {"sequence_id": ..., "sequence_timestamp_interval_us": {"start": ..., "stop": ...},
 *  "generic_meta_data": {...}, "version": "v4",
 *  "component_stores": [{"path": "&lt;file name&gt;", "md5": "&lt;hex&gt;",
 *                        "components": {component: {instance: {"version": "v1", "generic_meta_data": {...}}}}}]}
 * </pre>
 */
final class SequenceMetaJson {
    private SequenceMetaJson() {}

    /**
     * @param components component name → instance name → instance generic meta data (sorted: deterministic)
     */
    static byte[] render(String sequenceId, long start, long stop, ObjectNode genericMetaData, String storeFileName,
                         String md5, SortedMap<String, SortedMap<String, ObjectNode>> components) {
        Map<String, Object> comps = new LinkedHashMap<>();
        for (var c : components.entrySet()) {
            Map<String, Object> instances = new LinkedHashMap<>();
            for (var i : c.getValue().entrySet()) {
                Map<String, Object> inst = new LinkedHashMap<>();
                inst.put("version", SequenceLayout.COMPONENT_VERSION);
                inst.put("generic_meta_data", JsonValues.toPlainMap(i.getValue()));
                instances.put(i.getKey(), inst);
            }
            comps.put(c.getKey(), instances);
        }
        Map<String, Object> store = new LinkedHashMap<>();
        store.put("path", storeFileName);
        store.put("md5", md5);
        store.put("components", comps);

        Map<String, Object> interval = new LinkedHashMap<>();
        interval.put("start", start);
        interval.put("stop", stop);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sequence_id", sequenceId);
        m.put("sequence_timestamp_interval_us", interval);
        m.put("generic_meta_data", JsonValues.toPlainMap(genericMetaData));
        m.put("version", SequenceLayout.VERSION);
        m.put("component_stores", List.of(store));
        return PyJson.dumps(m);
    }
}
