package dev.itar.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CounterSamplesTest {
    /** A counter sampled every 100 ms that moves each time except from 1000 to 3000 ms. */
    private static CounterSamples stalledFrom1000To3000() {
        CounterSamples s = new CounterSamples();
        long count = 0;
        for (long t = 0; t <= 4000; t += 100) {
            if (t <= 1000 || t >= 3000) {
                count++;
            }
            s.add(t, count);
        }
        return s;
    }

    @Test
    void aStallInsideTheWindowIsMeasuredWhole() {
        assertThat(stalledFrom1000To3000().longestGapMillis(1500, 2500)).isEqualTo(2000);
    }

    @Test
    void aStallOverlappingTheWindowEdgeCounts() {
        assertThat(stalledFrom1000To3000().longestGapMillis(2900, 3500)).isEqualTo(2000);
        assertThat(stalledFrom1000To3000().longestGapMillis(500, 1050)).isEqualTo(2000);
    }

    @Test
    void outsideTheStallTheGapIsTheSamplingInterval() {
        assertThat(stalledFrom1000To3000().longestGapMillis(3100, 4000)).isEqualTo(100);
        assertThat(stalledFrom1000To3000().longestGapMillis(0, 900)).isEqualTo(100);
    }

    @Test
    void aCounterThatNeverMovesReportsTheWholeWatch() {
        CounterSamples s = new CounterSamples();
        s.add(0, 5);
        s.add(700, 5);
        s.add(1500, 5);
        assertThat(s.longestGapMillis(100, 200)).isEqualTo(1500);
    }

    @Test
    void aStallStillGoingAtTheLastSampleEndsThere() {
        CounterSamples s = new CounterSamples();
        s.add(0, 1);
        s.add(100, 2);
        s.add(200, 3);
        s.add(900, 3);
        assertThat(s.longestGapMillis(150, 900)).isEqualTo(700);
    }

    @Test
    void withoutTwoSamplesThereIsNoFigure() {
        CounterSamples s = new CounterSamples();
        assertThat(s.longestGapMillis(0, 10)).isEqualTo(-1);
        s.add(5, 1);
        assertThat(s.longestGapMillis(0, 10)).isEqualTo(-1);
    }

    @Test
    void samplesMustComeInTimeOrder() {
        CounterSamples s = new CounterSamples();
        s.add(100, 1);
        assertThatThrownBy(() -> s.add(50, 2)).hasMessageContaining("before the previous one");
    }
}
