package dev.itar.ingest;

/**
 * How a segment's seal ended: with its published archive, or with the failure that keeps it pending (to be
 * retried); and how long it took.
 */
record SealOutcome(SegmentKey key, SegmentItems.SealRequest request, SealedMarker sealed, Exception failure,
                   long nanos) {
    boolean succeeded() {
        return failure == null;
    }
}
