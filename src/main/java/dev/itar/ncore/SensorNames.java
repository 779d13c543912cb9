package dev.itar.ncore;

import java.util.regex.Pattern;

/** Sensor ids become zarr node names; only a safe spelling is accepted (as in the wire format). */
final class SensorNames {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private SensorNames() {}

    static String check(String sensor) {
        if (sensor == null || !VALID.matcher(sensor).matches()) {
            throw new IllegalArgumentException("bad sensor id \"" + sensor + "\"; expected [A-Za-z0-9_-]{1,64}");
        }
        return sensor;
    }
}
