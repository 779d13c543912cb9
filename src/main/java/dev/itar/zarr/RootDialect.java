package dev.itar.zarr;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How the consolidated root {@code zarr.json} is stored: the three spellings ncore has used.
 * Readers accept all three; the writer writes the one it is given.
 */
public enum RootDialect {
    /** ncore pull request #68: XZ(CBOR({"zarr_consolidated_format": 1, "metadata": root})). */
    PR68("zarr.cbor.xz", "pr68"),
    /** ncore 20.x: XZ(CBOR(root)), no envelope. */
    NCORE20_XZ("zarr.json.cbor.xz", "ncore20-xz"),
    /** newer ncore: zlib level 9 (CBOR(root)), no envelope. */
    NCORE20_ZLIB("zarr.json.cbor.zlib", "ncore20-zlib");

    private final String key;
    private final String cliName;

    RootDialect(String key, String cliName) {
        this.key = key;
        this.cliName = cliName;
    }

    /** The archive member that holds the compressed root. */
    public String key() {
        return key;
    }

    /** The spelling used on command lines and in configuration. */
    public String cliName() {
        return cliName;
    }

    public static RootDialect fromCliName(String name) {
        for (RootDialect d : values()) {
            if (d.cliName.equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown root dialect '" + name + "'; expected one of "
                + Arrays.stream(values()).map(RootDialect::cliName).collect(Collectors.joining(", ")));
    }
}
