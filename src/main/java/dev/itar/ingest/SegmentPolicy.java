package dev.itar.ingest;

/**
 * How recordings are cut into segments, by sensor time, the same way live and on replay.
 *
 * <p>Segment {@code k} of a recording covers sensor times {@code [origin + k·D, origin + (k+1)·D)}, where the
 * origin is the sensor time of the recording's first frame or pose (earlier times fall into segment 0). A frame
 * belongs to the segment of its end time {@code t1}, a pose sample to the segment of its time, and is also given
 * to a neighbouring segment when it lies within the grace of their boundary, so each segment holds the dynamic
 * poses covering all of its frames (whose start times may precede the window).
 *
 * <p>Segment {@code k} is complete once the recording's watermark — the largest sensor time seen — has passed
 * its end by the grace: {@code origin + (k+1)·D + grace <= watermark}. It is then sealed, and anything that would
 * still belong to it is late. With {@code D = 0} a recording is one segment, sealed at its end.
 *
 * @param durationUs segment length D in microseconds of sensor time, 0 = one archive per recording
 * @param graceUs    how far behind the watermark records may arrive, and how far poses overlap segments
 */
public record SegmentPolicy(long durationUs, long graceUs) {
    /** One archive per recording. */
    static final SegmentPolicy WHOLE = new SegmentPolicy(0, 0);

    public SegmentPolicy {
        if (durationUs < 0 || graceUs < 0 || (durationUs > 0 && graceUs >= durationUs)) {
            throw new IllegalArgumentException("segment duration " + durationUs + " us and grace " + graceUs
                    + " us: both must be >= 0 and the grace shorter than a segment");
        }
    }

    boolean cuts() {
        return durationUs > 0;
    }

    /** The segment of sensor time {@code t}. */
    int segmentOf(long origin, long t) {
        if (!cuts() || t <= origin) {
            return 0;
        }
        long k = (t - origin) / durationUs;
        if (k > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sensor time " + t + " is more than " + Integer.MAX_VALUE
                    + " segments after the recording's origin " + origin);
        }
        return (int) k;
    }

    /** Start of a segment's window (segment 0 also holds anything earlier). */
    long start(long origin, int segment) {
        return origin + segment * durationUs;
    }

    /** End of a segment's window (exclusive); {@link Long#MAX_VALUE} when recordings are not cut. */
    long stop(long origin, int segment) {
        return cuts() ? origin + (segment + 1) * durationUs : Long.MAX_VALUE;
    }

    /** Whether segment {@code k} is complete at {@code watermark}. */
    boolean closed(long origin, long watermark, int segment) {
        return cuts() && stop(origin, segment) + graceUs <= watermark;
    }

    /**
     * The segments a pose sample at {@code t} goes to: its own, and a neighbour whose boundary is within the grace.
     */
    int[] segmentsOfPose(long origin, long t) {
        int k = segmentOf(origin, t);
        if (!cuts() || graceUs == 0) {
            return new int[] {k};
        }
        boolean previous = k > 0 && t - start(origin, k) < graceUs;
        boolean next = stop(origin, k) - t <= graceUs;
        if (previous && next) {
            return new int[] {k - 1, k, k + 1};
        }
        if (previous) {
            return new int[] {k - 1, k};
        }
        return next ? new int[] {k, k + 1} : new int[] {k};
    }
}
