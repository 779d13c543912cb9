package dev.itar;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The reference archives written by NVIDIA ncore's own code, kept in the repository under
 * {@code src/test/resources/fixtures/ncore-v2} (see the README there), found on the test class path.
 */
public final class Fixtures {
    /** Directory of the zarr-format-2 reference archives and their {@code *.summary.json} manifests. */
    public static final Path NCORE_V2 = directory("fixtures/ncore-v2");
    /** An ncore v4 sequence: camera, lidar, radar, poses, intrinsics, generic data. */
    public static final Path DRIVE_A = NCORE_V2.resolve("drive-a.ncore4.zarr.itar");
    public static final Path DRIVE_A_SUMMARY = NCORE_V2.resolve("drive-a.ncore4.zarr.summary.json");
    /** A plain zarr hierarchy: every data type and compressor ncore wrote with zarr-python 2. */
    public static final Path PLAIN_1 = NCORE_V2.resolve("plain-1.zarr.itar");
    /** An ncore v4 sequence with camera masks, cuboid tracks and component meta data, in one store. */
    public static final Path DRIVE_M = NCORE_V2.resolve("drive-m.ncore4.zarr.itar");
    public static final Path DRIVE_M_SUMMARY = NCORE_V2.resolve("drive-m.ncore4.zarr.summary.json");
    /** The same sequence split by ncore into component-group stores: its sequence meta file. */
    public static final Path DRIVE_M_SPLIT = NCORE_V2.resolve("drive-m-split/drive-m.json");

    /** The two zarr-format-2 archives every reader test runs on (a parameter source: {@code Fixtures#zarrV2Archives}). */
    public static Stream<Path> zarrV2Archives() {
        return Stream.of(PLAIN_1, DRIVE_A);
    }

    /** The manifest beside an archive: {@code X.zarr.itar} → {@code X.zarr.summary.json}. */
    public static Path summaryOf(Path archive) {
        String name = archive.getFileName().toString();
        return archive.resolveSibling(name.substring(0, name.length() - ".itar".length()) + ".summary.json");
    }

    private Fixtures() {
    }

    private static Path directory(String resource) {
        URL url = Fixtures.class.getClassLoader().getResource(resource + "/README.md");
        if (url == null) {
            throw new IllegalStateException("test resource " + resource + "/README.md is not on the class path");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("test resource " + url + " is not a file", e);
        }
    }
}
