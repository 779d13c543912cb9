package dev.itar.sim;

import dev.itar.frames.RecordingIds;
import dev.itar.frames.WireDecoder;

/**
 * What the {@link VehicleSimulator} generates: how many vehicles (one recording each), for how long in
 * sensor time, with which sensors at which rates. Validated on construction; the messages name the
 * option and the allowed range.
 *
 * @param vehicles        number of vehicles, each one recording ({@code <prefix>-veh<i>}, i from 1)
 * @param durationUs      recording length in sensor time, microseconds
 * @param cameras         cameras per vehicle
 * @param lidars          lidars per vehicle
 * @param radars          radars per vehicle
 * @param cameraHz        camera frame rate
 * @param lidarHz         lidar sweep rate
 * @param radarHz         radar scan rate
 * @param poseHz          rig→world pose sample rate
 * @param lidarRays       rays per lidar sweep
 * @param lidarReturns    returns per lidar ray
 * @param imageWidth      camera image width in pixels
 * @param imageHeight     camera image height in pixels
 * @param seed            the one source of all variation; same seed, same bytes
 * @param recordingPrefix recording ids are {@code <prefix>-veh<i>}
 * @param labels          also send wire format 1.1's records: each sensor's component meta data, an ego mask per
 *                        camera, and cuboid observations of the {@link #TRACKED_OBJECTS} nearest objects at
 *                        {@link #CUBOID_HZ} (the builder leaves them off; {@code simulate} turns them on)
 */
public record SimulatorConfig(int vehicles, long durationUs, int cameras, int lidars, int radars,
                              double cameraHz, double lidarHz, double radarHz, double poseHz,
                              int lidarRays, int lidarReturns, int imageWidth, int imageHeight,
                              long seed, String recordingPrefix, boolean labels) {

    public static final int DEFAULT_CAMERAS = 2;
    public static final int DEFAULT_LIDARS = 1;
    public static final int DEFAULT_RADARS = 1;
    public static final double DEFAULT_CAMERA_HZ = 10;
    public static final double DEFAULT_LIDAR_HZ = 10;
    public static final double DEFAULT_RADAR_HZ = 13;
    public static final double DEFAULT_POSE_HZ = 50;
    public static final int DEFAULT_LIDAR_RAYS = 1024;
    public static final int DEFAULT_LIDAR_RETURNS = 2;
    public static final int DEFAULT_IMAGE_WIDTH = 320;
    public static final int DEFAULT_IMAGE_HEIGHT = 240;
    public static final String DEFAULT_PREFIX = "sim";
    /** Objects observed at each cuboid observation time (with {@code labels}). */
    public static final int TRACKED_OBJECTS = 3;
    /** Rate of cuboid observations (with {@code labels}). */
    public static final double CUBOID_HZ = 2;

    public SimulatorConfig {
        requireRange("vehicles", vehicles, 1, 10_000);
        if (durationUs <= 0 || durationUs > 24L * 3600 * 1_000_000) {
            throw new IllegalArgumentException("duration must be > 0 and at most 24 h of sensor time, got "
                    + durationUs + " µs");
        }
        requireRange("cameras", cameras, 0, 16);
        requireRange("lidars", lidars, 0, 8);
        requireRange("radars", radars, 0, 16);
        requireRate("camera-hz", cameraHz);
        requireRate("lidar-hz", lidarHz);
        requireRate("radar-hz", radarHz);
        requireRate("pose-hz", poseHz);
        requireRange("lidar-rays", lidarRays, 1, 4_000_000);
        requireRange("lidar-returns", lidarReturns, 1, 8);
        requireRange("image-width", imageWidth, 16, 8192);
        requireRange("image-height", imageHeight, 16, 8192);
        long lidarRecordBytes = (long) lidarRays * (12 + 8 + 4 + 8L * lidarReturns) + 4096;
        if (lidars > 0 && lidarRecordBytes > WireDecoder.MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("lidar-rays " + lidarRays + " × lidar-returns " + lidarReturns
                    + " makes lidar records of about " + lidarRecordBytes + " bytes, more than the wire limit of "
                    + WireDecoder.MAX_RECORD_BYTES + " bytes; use fewer rays or returns");
        }
        if (recordingPrefix == null || !RecordingIds.isValid(recordingPrefix + "-veh" + vehicles)) {
            throw new IllegalArgumentException("recording-prefix '" + recordingPrefix + "' does not make valid"
                    + " recording ids ('" + recordingPrefix + "-veh" + vehicles + "'): letters, digits, '.', '_', '-',"
                    + " starting with a letter or digit, at most 128 chars in all");
        }
    }

    /** The defaults: 1 vehicle, 10 s, 2 cameras at 10 Hz, 1 lidar at 10 Hz (1024 rays × 2), 1 radar at 13 Hz. */
    public static Builder builder() {
        return new Builder();
    }

    /** Recording id of vehicle {@code index} (1-based). */
    public String recordingId(int index) {
        return recordingPrefix + "-veh" + index;
    }

    /** Sensor time at which every recording of this seed starts: a fixed epoch shifted by the seed. */
    public long startTimeUs() {
        return 1_700_000_000_000_000L + Math.floorMod(seed, 1_000_000L) * 1_000_000_000L;
    }

    /** Sensor time of the {@code end} record (and the last pose sample). */
    public long endTimeUs() {
        return startTimeUs() + durationUs;
    }

    /** Frames a sensor at {@code hz} produces in the duration: floor(duration × rate). */
    public long frameCount(double hz) {
        return (long) Math.floor(durationUs * hz / 1e6 + 1e-9);
    }

    /** Cuboid observations per recording: {@link #TRACKED_OBJECTS} at each of floor(duration × rate) times. */
    public long cuboidCount() {
        return labels ? TRACKED_OBJECTS * frameCount(CUBOID_HZ) : 0;
    }

    /** Pose samples per recording: one at the start, then floor(duration × pose rate) more, up to the end. */
    public long poseCount() {
        return frameCount(poseHz) + 1;
    }

    private static void requireRange(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static void requireRate(String option, double hz) {
        if (!(hz > 0 && hz <= 1000)) {
            throw new IllegalArgumentException(option + " must be > 0 and at most 1000 Hz, got " + hz);
        }
    }

    public static final class Builder {
        private int vehicles = 1;
        private long durationUs = 10_000_000L;
        private int cameras = DEFAULT_CAMERAS;
        private int lidars = DEFAULT_LIDARS;
        private int radars = DEFAULT_RADARS;
        private double cameraHz = DEFAULT_CAMERA_HZ;
        private double lidarHz = DEFAULT_LIDAR_HZ;
        private double radarHz = DEFAULT_RADAR_HZ;
        private double poseHz = DEFAULT_POSE_HZ;
        private int lidarRays = DEFAULT_LIDAR_RAYS;
        private int lidarReturns = DEFAULT_LIDAR_RETURNS;
        private int imageWidth = DEFAULT_IMAGE_WIDTH;
        private int imageHeight = DEFAULT_IMAGE_HEIGHT;
        private long seed = 1;
        private String recordingPrefix = DEFAULT_PREFIX;
        private boolean labels;

        public Builder vehicles(int v) { vehicles = v; return this; }
        public Builder durationUs(long v) { durationUs = v; return this; }
        /** Duration in seconds of sensor time, rounded to the microsecond. */
        public Builder durationSeconds(double v) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("duration must be a positive number of seconds, got " + v);
            }
            durationUs = Math.round(v * 1e6);
            return this;
        }
        public Builder cameras(int v) { cameras = v; return this; }
        public Builder lidars(int v) { lidars = v; return this; }
        public Builder radars(int v) { radars = v; return this; }
        public Builder cameraHz(double v) { cameraHz = v; return this; }
        public Builder lidarHz(double v) { lidarHz = v; return this; }
        public Builder radarHz(double v) { radarHz = v; return this; }
        public Builder poseHz(double v) { poseHz = v; return this; }
        public Builder lidarRays(int v) { lidarRays = v; return this; }
        public Builder lidarReturns(int v) { lidarReturns = v; return this; }
        public Builder imageSize(int width, int height) { imageWidth = width; imageHeight = height; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder recordingPrefix(String v) { recordingPrefix = v; return this; }
        public Builder labels(boolean v) { labels = v; return this; }

        public SimulatorConfig build() {
            return new SimulatorConfig(vehicles, durationUs, cameras, lidars, radars, cameraHz, lidarHz, radarHz,
                    poseHz, lidarRays, lidarReturns, imageWidth, imageHeight, seed, recordingPrefix, labels);
        }
    }
}
