package dev.itar.cli;

/** Exit codes shared by the archive commands, so scripts can tell "bad archive" from "bad usage". */
final class ArchiveExit {
    static final int OK = 0;
    /** The archive (or key) was read, and is invalid or absent. */
    static final int INVALID = 1;
    /** picocli's code for bad arguments. */
    static final int USAGE = 2;
    /** The file could not be read at all (I/O error, not an itar). */
    static final int UNREADABLE = 3;

    private ArchiveExit() {}
}
