package dev.itar.frames;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.itar.frames.TestRecords.floats;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bit-level passes of {@link RayChecks} against the rules as plain float comparisons, for every pair of special
 * values and for random bit patterns: a pass that disagrees would let a bad value in, or dead-letter a good frame.
 */
class RayChecksTest {
    private static final float[] SPECIAL = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 0.5f,
            Math.nextDown(1f), 1f, Math.nextUp(1f), -Math.nextDown(1f), -1f, 2f, 1e30f, Float.MAX_VALUE,
            -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xffc00000), Float.intBitsToFloat(0xffffffff),
            Float.intBitsToFloat(0x7fffffff)};

    private static boolean distanceRule(float d) {
        return Float.isNaN(d) || (d >= 0 && d < Float.POSITIVE_INFINITY);
    }

    private static boolean intensityRule(float value, float distance) {
        return Float.isNaN(value) == Float.isNaN(distance) && (Float.isNaN(value) || (value >= 0 && value <= 1));
    }

    private static List<Float> samples() {
        List<Float> values = new ArrayList<>();
        for (float v : SPECIAL) {
            values.add(v);
        }
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < 300; i++) {
            values.add(Float.intBitsToFloat(random.nextInt()));
        }
        return values;
    }

    @Test
    void distancePassAgreesWithTheRule() {
        for (float d : samples()) {
            assertThat(RayChecks.allDistances(floats(0.5f, d, 3f), 3)).as("distance %s (bits %08x)", d,
                    Float.floatToRawIntBits(d)).isEqualTo(distanceRule(d));
        }
    }

    @Test
    void intensityPassAgreesWithTheRule() {
        List<Float> values = samples();
        for (float v : values) {
            for (float d : values.subList(0, SPECIAL.length + 40)) {
                assertThat(RayChecks.allIntensities(floats(0.25f, v, 1f), floats(2f, d, 0f), 3))
                        .as("intensity %s (bits %08x) at distance %s (bits %08x)", v, Float.floatToRawIntBits(v), d,
                                Float.floatToRawIntBits(d))
                        .isEqualTo(intensityRule(v, d));
            }
        }
    }

    @Test
    void onlyTheCountedElementsAreChecked() {
        assertThat(RayChecks.allDistances(floats(1f, -1f), 1)).isTrue();
        assertThat(RayChecks.allDistances(floats(1f, -1f), 2)).isFalse();
        assertThat(RayChecks.allIntensities(floats(0.5f, 2f), floats(1f, 1f), 1)).isTrue();
        assertThat(RayChecks.allIntensities(floats(0.5f, 2f), floats(1f, 1f), 2)).isFalse();
    }
}
