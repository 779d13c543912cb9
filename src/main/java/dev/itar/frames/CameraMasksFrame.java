package dev.itar.frames;

import java.util.List;
import java.util.Objects;

/**
 * {@code camera_masks} (wire format 1.1): the constant named masks of one camera in one masks component instance,
 * as one ncore {@code store_camera_masks} call stores them; their order is the order of the camera's
 * {@code mask_names}.
 *
 * @param instance the masks component instance ({@code default} unless the producer names one)
 * @param camera   the camera's sensor id
 * @param masks    the masks, names unique, in order
 */
public record CameraMasksFrame(String instance, String camera, List<CameraMask> masks) implements Frame {
    /** The masks instance a record without {@code instance} belongs to. */
    public static final String DEFAULT_INSTANCE = "default";

    public CameraMasksFrame {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(camera, "camera");
        masks = List.copyOf(masks);
    }

    @Override
    public String type() {
        return "camera_masks";
    }
}
