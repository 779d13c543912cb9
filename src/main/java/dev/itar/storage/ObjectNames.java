package dev.itar.storage;

import java.nio.charset.StandardCharsets;

/** The names objects have in a store: one plain file name, the same in a directory and under an S3 prefix. */
final class ObjectNames {
    private ObjectNames() {}

    /** @throws IllegalArgumentException {@code name} is empty, has a '/', NUL or leading '.', or is too long */
    static String check(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("object name must not be empty");
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("object name '" + name.replace("\0", "\\0")
                    + "' must be a plain file name (no '/', '\\' or NUL)");
        }
        if (name.startsWith(".")) {
            // hidden names are where temp files live (dev.itar.archive.AtomicFiles)
            throw new IllegalArgumentException("object name '" + name + "' must not start with '.'");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("object name '" + name + "' is longer than 255 bytes");
        }
        return name;
    }
}
