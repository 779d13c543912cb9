package dev.itar.archive;

/**
 * How far an archive under construction has got: the bytes of its complete members and of its member index
 * file, and the number of members. A writer resumed at a position continues exactly there, whatever was written
 * after it.
 */
public record ArchivePosition(long bodyBytes, long indexBytes, long members) {
    /** Nothing written yet. */
    public static final ArchivePosition START = new ArchivePosition(0, 0, 0);

    public ArchivePosition {
        if (bodyBytes < 0 || indexBytes < 0 || members < 0 || bodyBytes % IndexHeader.BLOCK != 0) {
            throw new IllegalArgumentException("not an archive position: body " + bodyBytes + " bytes, index "
                    + indexBytes + " bytes, " + members + " members");
        }
    }
}
