package dev.itar.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * One simulated sensor: its ncore instance name, kind, rate and where it sits on the rig.
 *
 * @param name        ncore component instance name (also the wire {@code sensor})
 * @param kind        "camera", "lidar" or "radar" (the wire record type)
 * @param hz          frame rate
 * @param sensorToRig extrinsics; cameras use the OpenCV axes (x right, y down, z forward), lidars and
 *                    radars x forward, y left, z up
 */
record SensorSpec(String name, String kind, double hz, Rigid sensorToRig) {

    private static final String[] CAMERA_NAMES = {"camera_front_wide", "camera_rear_wide", "camera_left_wide",
            "camera_right_wide"};
    private static final double[] CAMERA_YAWS = {0, Math.PI, Math.PI / 2, -Math.PI / 2};
    private static final String[] RADAR_NAMES = {"radar_front", "radar_rear"};

    /** Cameras, then lidars, then radars; the order in which simultaneous frames are sent. */
    static List<SensorSpec> layout(SimulatorConfig config) {
        List<SensorSpec> sensors = new ArrayList<>();
        for (int i = 0; i < config.cameras(); i++) {
            String name = i < CAMERA_NAMES.length ? CAMERA_NAMES[i] : "camera_" + i;
            double yaw = i < CAMERA_YAWS.length ? CAMERA_YAWS[i] : 2 * Math.PI * i / config.cameras();
            sensors.add(new SensorSpec(name, "camera", config.cameraHz(), cameraMount(yaw)));
        }
        for (int i = 0; i < config.lidars(); i++) {
            String name = i == 0 ? "lidar_top" : "lidar_" + i;
            sensors.add(new SensorSpec(name, "lidar", config.lidarHz(), Rigid.yaw(0, 1.2, 0.3 * i, 1.8 + 0.1 * i)));
        }
        for (int i = 0; i < config.radars(); i++) {
            String name = i < RADAR_NAMES.length ? RADAR_NAMES[i] : "radar_" + i;
            double yaw = i < 2 ? i * Math.PI : 2 * Math.PI * i / config.radars();
            sensors.add(new SensorSpec(name, "radar", config.radarHz(),
                    Rigid.yaw(yaw, 1.2 + 2.4 * Math.cos(yaw), 0.9 * Math.sin(yaw), 0.5)));
        }
        return sensors;
    }

    /** A level camera looking along {@code yaw}, 1.5 m up, at the edge of a 4.8 m × 1.8 m car body. */
    private static Rigid cameraMount(double yaw) {
        double c = Math.cos(yaw);
        double s = Math.sin(yaw);
        double[] right = {s, -c, 0};
        double[] down = {0, 0, -1};
        double[] forward = {c, s, 0};
        return Rigid.fromColumns(right, down, forward, new double[] {1.2 + 1.0 * c, 0.8 * s, 1.5});
    }
}
