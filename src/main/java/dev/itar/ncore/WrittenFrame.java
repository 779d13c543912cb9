package dev.itar.ncore;

/**
 * A frame whose nodes are already in the archive (written as it arrived, through {@link FrameNodes}): what sealing
 * still needs of it — its times for the frames group and the interval, and the size of its nodes' consolidated
 * entries ({@link SequenceContent#writtenNodeEntries()}).
 *
 * @param nodes      how many nodes the frame has
 * @param entryBytes total length of their consolidated entries
 */
public record WrittenFrame(String component, String sensor, long t0, long t1, int nodes, long entryBytes) {
    public WrittenFrame {
        if (t0 < 0 || t1 < t0 || nodes < 1 || entryBytes < nodes) {
            throw new IllegalArgumentException("written frame " + component + "/" + sensor + "/frames/" + t1
                    + ": t0=" + t0 + ", " + nodes + " nodes with " + entryBytes + " bytes of entries");
        }
    }
}
