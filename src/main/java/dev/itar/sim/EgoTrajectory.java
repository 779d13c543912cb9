package dev.itar.sim;

/**
 * The ego vehicle's rig→world pose over time: a constant-speed drive along a gentle circular arc (a
 * straight line when the yaw rate is zero), starting at the world origin heading along +x, rig origin
 * on the ground (z = 0). Analytic, so a pose at any microsecond is exact and independent of how often
 * it is sampled.
 *
 * @param startUs    sensor time at which the vehicle is at the origin
 * @param speedMps   forward speed in m/s
 * @param yawRateRps yaw rate in rad/s (positive turns left)
 */
record EgoTrajectory(long startUs, double speedMps, double yawRateRps) {

    double secondsSinceStart(long tUs) {
        return (tUs - startUs) / 1e6;
    }

    /** Arc length driven at time {@code tUs}. */
    double arcLength(long tUs) {
        return speedMps * secondsSinceStart(tUs);
    }

    /** Rig→world at time {@code tUs}. */
    Rigid rigToWorld(long tUs) {
        return poseAtArcLength(arcLength(tUs), 0.0);
    }

    /** The pose of a point {@code s} metres along the path, shifted {@code lateral} metres to the left. */
    Rigid poseAtArcLength(double s, double lateral) {
        double yaw;
        double x;
        double y;
        if (Math.abs(yawRateRps) < 1e-12) {
            yaw = 0;
            x = s;
            y = 0;
        } else {
            double radius = speedMps / yawRateRps;
            yaw = s / radius;
            x = radius * Math.sin(yaw);
            y = radius * (1 - Math.cos(yaw));
        }
        return Rigid.yaw(yaw, x - lateral * Math.sin(yaw), y + lateral * Math.cos(yaw), 0);
    }

    /** Signed distance of a world point (x, y) to the left of the path centre line. */
    double lateralOffset(double x, double y) {
        if (Math.abs(yawRateRps) < 1e-12) {
            return y;
        }
        double radius = speedMps / yawRateRps; // centre of the arc is (0, radius)
        double fromCentre = Math.hypot(x, y - radius);
        return radius > 0 ? radius - fromCentre : fromCentre + radius;
    }
}
