package dev.itar.frames;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Objects;

/**
 * {@code component_meta} (wire format 1.1): the {@code generic_meta_data} of one ncore component instance — a
 * camera, lidar or radar (instance = sensor id), the poses or intrinsics component (instance {@code default}),
 * a masks or cuboids instance.
 *
 * @param component one of {@link #COMPONENTS}
 * @param instance  the component instance name
 * @param meta      JSON-like, stored as the instance group's {@code generic_meta_data}
 */
public record ComponentMetaFrame(String component, String instance, ObjectNode meta) implements Frame {
    /** The ncore v4 components a {@code component_meta} record may name, in the order wire-format.md lists them. */
    public static final List<String> COMPONENTS = List.of("cameras", "lidars", "radars", "poses", "intrinsics",
            "masks", "cuboids");
    /** Components whose one instance in this project's archives is {@code default}. */
    public static final List<String> SINGLE_INSTANCE_COMPONENTS = List.of("poses", "intrinsics");

    public ComponentMetaFrame {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(instance, "instance");
        meta = Values.metaOrEmpty(meta);
    }

    @Override
    public String type() {
        return "component_meta";
    }

    /** {@code <component>/<instance>}, the instance group's path in an archive. */
    public String key() {
        return component + "/" + instance;
    }
}
