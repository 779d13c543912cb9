package dev.itar.sim;

/**
 * A rigid transform in 3D (rotation R, translation t): {@code p' = R p + t}. Small and allocation-light
 * because the simulator applies thousands of them per lidar sweep.
 *
 * @param r rotation, 3×3 row-major
 * @param t translation
 */
record Rigid(double[] r, double[] t) {

    static final Rigid IDENTITY = new Rigid(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[] {0, 0, 0});

    /** Rotation about +z by {@code yaw} radians, then translation. */
    static Rigid yaw(double yaw, double x, double y, double z) {
        double c = Math.cos(yaw);
        double s = Math.sin(yaw);
        return new Rigid(new double[] {c, -s, 0, s, c, 0, 0, 0, 1}, new double[] {x, y, z});
    }

    /** A transform whose rotation columns are the given axes (each expressed in the target frame). */
    static Rigid fromColumns(double[] xAxis, double[] yAxis, double[] zAxis, double[] translation) {
        return new Rigid(new double[] {
                xAxis[0], yAxis[0], zAxis[0],
                xAxis[1], yAxis[1], zAxis[1],
                xAxis[2], yAxis[2], zAxis[2]}, translation.clone());
    }

    /** {@code this ∘ other}: first {@code other}, then this. */
    Rigid compose(Rigid other) {
        double[] rr = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                rr[3 * i + j] = r[3 * i] * other.r[j] + r[3 * i + 1] * other.r[3 + j] + r[3 * i + 2] * other.r[6 + j];
            }
        }
        return new Rigid(rr, apply(other.t));
    }

    Rigid inverse() {
        double[] rt = {r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]};
        double[] ti = new double[3];
        for (int i = 0; i < 3; i++) {
            ti[i] = -(rt[3 * i] * t[0] + rt[3 * i + 1] * t[1] + rt[3 * i + 2] * t[2]);
        }
        return new Rigid(rt, ti);
    }

    double[] apply(double[] p) {
        return new double[] {
                r[0] * p[0] + r[1] * p[1] + r[2] * p[2] + t[0],
                r[3] * p[0] + r[4] * p[1] + r[5] * p[2] + t[1],
                r[6] * p[0] + r[7] * p[1] + r[8] * p[2] + t[2]};
    }

    double[] rotate(double[] v) {
        return new double[] {
                r[0] * v[0] + r[1] * v[1] + r[2] * v[2],
                r[3] * v[0] + r[4] * v[1] + r[5] * v[2],
                r[6] * v[0] + r[7] * v[1] + r[8] * v[2]};
    }

    /** The homogeneous 4×4 matrix, row-major, as the wire format's pose matrices want it. */
    double[] rowMajor4x4() {
        return new double[] {
                r[0], r[1], r[2], t[0],
                r[3], r[4], r[5], t[1],
                r[6], r[7], r[8], t[2],
                0, 0, 0, 1};
    }
}
