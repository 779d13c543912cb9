package dev.itar.ingest;

import dev.itar.ncore.FrameEntry;

/** Item log records as an earlier release wrote them, which this release reads but no longer writes. */
final class EarlierReleaseItems {
    private EarlierReleaseItems() {
    }

    /** A frame's entry with its nodes, whose metadata the seal writes: how segments were kept before. */
    static byte[] frameEntry(FrameEntry entry) {
        StateCodec.Writer w = StateCodec.writer(StateCodec.RecordType.FRAME_ENTRY);
        SegmentItems.writeEntry(w, entry);
        return w.toBytes();
    }
}
