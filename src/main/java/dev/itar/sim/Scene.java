package dev.itar.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The static world one vehicle drives through: a flat ground plane (z = 0) with a road along the ego
 * path, and axis-aligned boxes (parked cars, buildings) beside the road. Boxes are placed once from the
 * vehicle's seed; the lidar and radar ray-cast against them and the cameras draw them.
 */
final class Scene {
    /** Half the road width in metres. */
    static final double ROAD_HALF_WIDTH = 3.5;
    /** Rays that hit nothing closer than this are absent returns. */
    static final double MAX_RANGE_M = 100.0;

    /** An axis-aligned box in world coordinates with a lidar reflectivity and a display colour. */
    record Box(double minX, double minY, double minZ, double maxX, double maxY, double maxZ,
               double reflectivity, int rgb) {
        double[] centre() {
            return new double[] {(minX + maxX) / 2, (minY + maxY) / 2, (minZ + maxZ) / 2};
        }
    }

    /** What a ray hit: distance along the ray and the surface's reflectivity. */
    record Hit(double distance, double reflectivity, Box box) {
    }

    private final EgoTrajectory trajectory;
    private final List<Box> boxes;

    Scene(EgoTrajectory trajectory, List<Box> boxes) {
        this.trajectory = trajectory;
        this.boxes = List.copyOf(boxes);
    }

    /** Boxes every 8–16 m along the path from 30 m behind the start to 120 m past the end, on both sides. */
    static Scene generate(EgoTrajectory trajectory, double drivenMetres, SplittableRandom random) {
        List<Box> boxes = new ArrayList<>();
        for (double s = -30; s < drivenMetres + 120; s += 8 + 8 * random.nextDouble()) {
            double side = random.nextBoolean() ? 1 : -1;
            double lateral = side * (ROAD_HALF_WIDTH + 1.5 + 6 * random.nextDouble());
            double halfLength = 1 + 2.5 * random.nextDouble();
            double halfWidth = 0.8 + 1.5 * random.nextDouble();
            double height = 1.4 + 4 * random.nextDouble() * random.nextDouble();
            Rigid at = trajectory.poseAtArcLength(s, lateral);
            double cx = at.t()[0];
            double cy = at.t()[1];
            int rgb = 0x404040 | (random.nextInt(0xC0) << 16) | (random.nextInt(0xC0) << 8) | random.nextInt(0xC0);
            boxes.add(new Box(cx - halfLength, cy - halfWidth, 0, cx + halfLength, cy + halfWidth, height,
                    0.35 + 0.6 * random.nextDouble(), rgb));
        }
        return new Scene(trajectory, boxes);
    }

    /** The same scene restricted to boxes whose centre lies within {@code radius} metres of (x, y). */
    Scene around(double x, double y, double radius) {
        List<Box> near = new ArrayList<>();
        for (Box box : boxes) {
            double[] c = box.centre();
            if (Math.hypot(c[0] - x, c[1] - y) <= radius) {
                near.add(box);
            }
        }
        return new Scene(trajectory, near);
    }

    List<Box> boxes() {
        return boxes;
    }

    EgoTrajectory trajectory() {
        return trajectory;
    }

    /**
     * The nearest surface along the ray {@code origin + d·dir} with {@code minDistance < d <= MAX_RANGE_M},
     * or null. {@code dir} must be unit length (world frame).
     */
    Hit cast(double[] origin, double[] dir, double minDistance) {
        double best = MAX_RANGE_M;
        Hit hit = null;
        if (dir[2] < -1e-9) {
            double d = -origin[2] / dir[2];
            if (d > minDistance && d <= best) {
                best = d;
                hit = new Hit(d, groundReflectivity(origin[0] + d * dir[0], origin[1] + d * dir[1]), null);
            }
        }
        for (Box box : boxes) {
            double d = entryDistance(box, origin, dir);
            if (d > minDistance && d < best) {
                best = d;
                hit = new Hit(d, box.reflectivity(), box);
            }
        }
        return hit;
    }

    /** Asphalt is dark, lane markings bright, the verge in between. */
    double groundReflectivity(double x, double y) {
        double lateral = Math.abs(trajectory.lateralOffset(x, y));
        if (lateral < 0.08) {
            return 0.75;
        }
        return lateral < ROAD_HALF_WIDTH ? 0.08 : 0.22;
    }

    /** Slab test: distance at which the ray enters the box, or NaN when it misses or starts inside. */
    private static double entryDistance(Box b, double[] o, double[] d) {
        double tNear = Double.NEGATIVE_INFINITY;
        double tFar = Double.POSITIVE_INFINITY;
        double[] lo = {b.minX(), b.minY(), b.minZ()};
        double[] hi = {b.maxX(), b.maxY(), b.maxZ()};
        for (int axis = 0; axis < 3; axis++) {
            if (Math.abs(d[axis]) < 1e-12) {
                if (o[axis] < lo[axis] || o[axis] > hi[axis]) {
                    return Double.NaN;
                }
                continue;
            }
            double t1 = (lo[axis] - o[axis]) / d[axis];
            double t2 = (hi[axis] - o[axis]) / d[axis];
            tNear = Math.max(tNear, Math.min(t1, t2));
            tFar = Math.min(tFar, Math.max(t1, t2));
        }
        return tNear <= tFar && tNear > 0 ? tNear : Double.NaN;
    }
}
