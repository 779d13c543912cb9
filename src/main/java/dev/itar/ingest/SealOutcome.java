package dev.itar.ingest;

import java.util.List;

/**
 * How a segment's seal ended: with its published archive and the changelog keys of everything the segment held
 * (gathered on the seal thread, so that the stream thread only deletes them), or with the failure that keeps it
 * pending (to be retried); and how long it took.
 */
record SealOutcome(SegmentKey key, SegmentItems.SealRequest request, SealedMarker sealed, List<byte[]> segmentKeys,
                   Exception failure, long nanos) {
    static SealOutcome sealed(SegmentKey key, SegmentItems.SealRequest request, SealedMarker sealed,
                              List<byte[]> segmentKeys, long nanos) {
        return new SealOutcome(key, request, sealed, List.copyOf(segmentKeys), null, nanos);
    }

    static SealOutcome failed(SegmentKey key, SegmentItems.SealRequest request, Exception failure, long nanos) {
        return new SealOutcome(key, request, null, List.of(), failure, nanos);
    }

    boolean succeeded() {
        return failure == null;
    }
}
