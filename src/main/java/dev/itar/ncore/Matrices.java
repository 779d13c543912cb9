package dev.itar.ncore;

/** Checks for 4x4 row-major rigid transforms. */
final class Matrices {
    private Matrices() {}

    /**
     * Length check only. ncore additionally asserts the last row is exactly [0, 0, 0, 1]; that belongs to input
     * validation (wire decoding), so that a bad record goes to the dead letters instead of failing here.
     */
    static double[] check4x4(double[] m, String what) {
        if (m == null || m.length != 16) {
            throw new IllegalArgumentException(what + ": matrix must have 16 values (4x4 row-major), got "
                    + (m == null ? "null" : m.length));
        }
        return m.clone();
    }
}
