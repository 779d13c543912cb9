package dev.itar.ncore;

import java.nio.file.Path;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What sealing produced.
 *
 * @param archive         the archive file
 * @param sequenceMeta    the sequence meta JSON sidecar
 * @param bytes           archive size in bytes
 * @param sha256          hex SHA-256 of the archive file
 * @param md5             hex MD5 of the archive file (as recorded in the sidecar)
 * @param intervalStart   sequence interval start (inclusive), microseconds
 * @param intervalStop    sequence interval stop (exclusive), microseconds
 * @param framesPerSensor frame count per {@code <component>/<sensor>}
 */
public record SealResult(Path archive, Path sequenceMeta, long bytes, String sha256, String md5, long intervalStart,
                         long intervalStop, SortedMap<String, Long> framesPerSensor) {
    public SealResult {
        framesPerSensor = Collections.unmodifiableSortedMap(new TreeMap<>(framesPerSensor));
    }
}
