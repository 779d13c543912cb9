package dev.itar.frames;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static dev.itar.frames.InvalidRecordException.OUT_OF_RANGE;

/**
 * The per-element checks of a lidar's or radar's ray arrays (little-endian, read in place), as
 * {@link WireDecoder} states them.
 *
 * <p>Each check is first one pass that only says whether every element passes, a small method of its own that
 * compiles, with its reads inlined, early; where values of both kinds are common (NaN and not), it has no branch
 * on them at all: it works on the raw bits and combines the verdicts arithmetically, so neither mispredicted
 * branches nor C2 throwing away a loop compiled before a drive first sent the rarer kind (and running the next
 * multi-megabyte array in the interpreter) cost anything. Only an array failing its pass is walked again, element by
 * element, for the first bad element and its reason.
 */
final class RayChecks {
    /** Bounds of a unit direction's squared norm: no square root per ray. */
    private static final double MIN_SQUARED_NORM =
            (1 - WireDecoder.DIRECTION_TOLERANCE) * (1 - WireDecoder.DIRECTION_TOLERANCE);
    private static final double MAX_SQUARED_NORM =
            (1 + WireDecoder.DIRECTION_TOLERANCE) * (1 + WireDecoder.DIRECTION_TOLERANCE);
    private static final VarHandle LE_FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    /** A float32's bits without the sign; above {@link #INFINITY_BITS} exactly for NaN. */
    private static final int MAGNITUDE = 0x7fffffff;
    private static final int INFINITY_BITS = 0x7f800000;
    private static final int ONE_BITS = 0x3f800000;

    private RayChecks() {
    }

    /** Each of the {@code n} float32 triples is finite with |‖d‖−1| ≤ {@link WireDecoder#DIRECTION_TOLERANCE}. */
    static void directions(Fields f, byte[] direction, int n) throws InvalidRecordException {
        if (allUnit(direction, n)) {
            return;
        }
        for (int i = 0; i < n; i++) {
            float x = (float) LE_FLOAT.get(direction, 12 * i);
            float y = (float) LE_FLOAT.get(direction, 12 * i + 4);
            float z = (float) LE_FLOAT.get(direction, 12 * i + 8);
            double squared = (double) x * x + (double) y * y + (double) z * z;
            if (squared >= MIN_SQUARED_NORM && squared <= MAX_SQUARED_NORM) {
                continue;
            }
            double norm = Math.sqrt(squared); // outside the squared bounds, but rounding may still put it inside
            if (!Float.isFinite(x) || !Float.isFinite(y) || !Float.isFinite(z)
                    || Math.abs(norm - 1) > WireDecoder.DIRECTION_TOLERANCE) {
                throw f.error(OUT_OF_RANGE, "direction", "ray " + i + " is (" + x + ", " + y + ", " + z
                        + ") with norm " + norm + "; directions must be unit vectors (|norm-1| <= "
                        + WireDecoder.DIRECTION_TOLERANCE + ")");
            }
        }
    }

    /** Each of the {@code n} uint64 ray times lies in [t0, t1] (t0 ≤ t1). */
    static void timestamps(Fields f, byte[] timestampUs, int n, long t0, long t1) throws InvalidRecordException {
        if (allWithin(timestampUs, n, t0, t1)) {
            return;
        }
        for (int i = 0; i < n; i++) {
            long t = (long) LE_LONG.get(timestampUs, 8 * i);
            if (Long.compareUnsigned(t, t0) < 0 || Long.compareUnsigned(t, t1) > 0) {
                throw f.error(OUT_OF_RANGE, "timestamp_us", "ray " + i + " is " + Long.toUnsignedString(t)
                        + ", outside the frame interval [t0=" + t0 + ", t1=" + t1 + "]");
            }
        }
    }

    /** Each of the r×n float32 distances is finite and ≥ 0, or NaN (an absent return). */
    static void distances(Fields f, byte[] distanceM, int r, int n) throws InvalidRecordException {
        if (allDistances(distanceM, r * n)) {
            return;
        }
        for (int i = 0; i < r * n; i++) {
            float d = (float) LE_FLOAT.get(distanceM, 4 * i);
            if (!Float.isNaN(d) && !(d >= 0 && d < Float.POSITIVE_INFINITY)) {
                throw f.error(OUT_OF_RANGE, "distance_m", "return " + i / n + " of ray " + i % n + " is " + d
                        + "; distances must be finite and >= 0, or NaN for an absent return");
            }
        }
    }

    /**
     * Each float32 intensity is NaN exactly where the distance of the same index is, and in [0, 1] elsewhere; both
     * arrays have the same length, r×n elements.
     */
    static void intensities(Fields f, byte[] intensity, byte[] distanceM, int n) throws InvalidRecordException {
        int count = intensity.length / 4;
        if (allIntensities(intensity, distanceM, count)) {
            return;
        }
        for (int i = 0; i < count; i++) {
            float value = (float) LE_FLOAT.get(intensity, 4 * i);
            float d = (float) LE_FLOAT.get(distanceM, 4 * i);
            if (Float.isNaN(value) != Float.isNaN(d)) {
                throw f.error(OUT_OF_RANGE, "intensity", "return " + i / n + " of ray " + i % n + " is " + value
                        + " while distance_m is " + d + "; intensity must be NaN exactly where distance_m is NaN");
            }
            if (!Float.isNaN(value) && !(value >= 0 && value <= 1)) {
                throw f.error(OUT_OF_RANGE, "intensity", "return " + i / n + " of ray " + i % n + " is " + value
                        + "; intensities must be in [0, 1]");
            }
        }
    }

    /**
     * Whether every squared norm is within the squared bounds (false for NaN and infinities too); false can also
     * mean a norm that only rounding took past them, which {@link #directions} then accepts. Valid directions
     * always take the same side of the one branch.
     */
    static boolean allUnit(byte[] direction, int n) {
        for (int i = 0; i < n; i++) {
            float x = (float) LE_FLOAT.get(direction, 12 * i);
            float y = (float) LE_FLOAT.get(direction, 12 * i + 4);
            float z = (float) LE_FLOAT.get(direction, 12 * i + 8);
            double squared = (double) x * x + (double) y * y + (double) z * z;
            if (!(squared >= MIN_SQUARED_NORM && squared <= MAX_SQUARED_NORM)) {
                return false;
            }
        }
        return true;
    }

    static boolean allWithin(byte[] timestampUs, int n, long t0, long t1) {
        for (int i = 0; i < n; i++) {
            long t = (long) LE_LONG.get(timestampUs, 8 * i);
            if (Long.compareUnsigned(t, t0) < 0 || Long.compareUnsigned(t, t1) > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every float32 is a valid distance, on the raw bits: NaN (absent returns are many and come in no
     * predictable order, so a branch on them would be mispredicted often) or a non-negative finite number, -0.0
     * included. Bad: an infinity, or a negative non-zero finite number.
     */
    static boolean allDistances(byte[] distanceM, int count) {
        int bad = 0;
        for (int i = 0; i < count; i++) {
            int bits = (int) LE_INT.get(distanceM, 4 * i);
            int magnitude = bits & MAGNITUDE;
            int infinite = below(magnitude ^ INFINITY_BITS, 1);
            bad |= infinite | ((bits >>> 31) & below(magnitude, INFINITY_BITS) & below(0, magnitude));
        }
        return bad == 0;
    }

    /**
     * Whether every float32 intensity is NaN exactly where the distance is, and otherwise in [0, 1] (-0.0
     * included), on the raw bits like {@link #allDistances}.
     */
    static boolean allIntensities(byte[] intensity, byte[] distanceM, int count) {
        int bad = 0;
        for (int i = 0; i < count; i++) {
            int bits = (int) LE_INT.get(intensity, 4 * i);
            int magnitude = bits & MAGNITUDE;
            int absent = below(INFINITY_BITS, magnitude);
            int distanceAbsent = below(INFINITY_BITS, (int) LE_INT.get(distanceM, 4 * i) & MAGNITUDE);
            int inUnit = below(magnitude, ONE_BITS + 1) & ((bits >>> 31 ^ 1) | below(magnitude, 1));
            bad |= (absent ^ distanceAbsent) | ((absent ^ 1) & (inUnit ^ 1));
        }
        return bad == 0;
    }

    /** 1 if a &lt; b, else 0, for 0 ≤ a, b ≤ 2^31-1 (a - b cannot overflow). */
    private static int below(int a, int b) {
        return (a - b) >>> 31;
    }
}
