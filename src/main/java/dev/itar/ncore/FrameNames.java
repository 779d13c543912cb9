package dev.itar.ncore;

/** Coordinate frame names of poses: ncore requires them non-empty and not only whitespace. */
final class FrameNames {
    private FrameNames() {}

    static String check(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("frame name \"" + name + "\" is invalid: must not be empty or blank");
        }
        return name;
    }
}
