package dev.itar.ncore;

import dev.itar.frames.WireDecoder;

/** Sensor ids become zarr node names; only the wire format's spelling is accepted ({@link WireDecoder#SENSOR}). */
final class SensorNames {
    private SensorNames() {}

    static boolean isValid(String name) {
        return name != null && WireDecoder.SENSOR.matcher(name).matches();
    }

    static String check(String sensor) {
        if (sensor == null || !WireDecoder.SENSOR.matcher(sensor).matches()) {
            throw new IllegalArgumentException("bad sensor id \"" + sensor + "\"; expected "
                    + WireDecoder.SENSOR.pattern());
        }
        return sensor;
    }
}
