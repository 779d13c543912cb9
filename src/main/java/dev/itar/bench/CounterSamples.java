package dev.itar.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A counter read again and again ({@code (time, count)} samples in time order), and the longest stretch in which
 * it did not move: how {@code stall_ms} turns "records of another recording kept being accepted" into a number.
 */
final class CounterSamples {
    /** One reading: the counter was {@code count} at {@code timeMillis} (wall clock). */
    record Sample(long timeMillis, long count) {
    }

    private final List<Sample> samples = new ArrayList<>();

    synchronized void add(long timeMillis, long count) {
        if (!samples.isEmpty() && timeMillis < samples.get(samples.size() - 1).timeMillis()) {
            throw new IllegalArgumentException("sample at " + timeMillis + " ms is before the previous one");
        }
        samples.add(new Sample(timeMillis, count));
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /**
     * The longest time between two consecutive moments the counter was seen to move, over the stretches that
     * overlap {@code [fromMillis, toMillis]}. The first and the last sample count as such moments too, so a counter
     * that never moved in the window reports the whole time it was watched. -1 without two samples.
     */
    synchronized long longestGapMillis(long fromMillis, long toMillis) {
        if (samples.size() < 2) {
            return -1;
        }
        List<Long> moves = new ArrayList<>();
        moves.add(samples.get(0).timeMillis());
        for (int i = 1; i < samples.size(); i++) {
            if (samples.get(i).count() != samples.get(i - 1).count()) {
                moves.add(samples.get(i).timeMillis());
            }
        }
        long last = samples.get(samples.size() - 1).timeMillis();
        if (moves.get(moves.size() - 1) != last) {
            moves.add(last);
        }
        long longest = 0;
        for (int i = 1; i < moves.size(); i++) {
            long a = moves.get(i - 1);
            long b = moves.get(i);
            if (b > fromMillis && a < toMillis) {
                longest = Math.max(longest, b - a);
            }
        }
        return longest;
    }
}
