package dev.itar.archive;


/**
 * A file (or stored object) is not a well-formed indexed tar archive. The message always names the file or
 * object URI and the key or byte offset at which the problem was found, so a person can locate it with a hex
 * dump.
 */
public class ArchiveFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public ArchiveFormatException(String message) {
        super(message);
    }

    public ArchiveFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Message prefixed with the file path or object URI, the form every archive error takes. */
    static ArchiveFormatException at(String file, String what) {
        return new ArchiveFormatException(file + ": " + what);
    }

    static ArchiveFormatException at(String file, String what, Throwable cause) {
        return new ArchiveFormatException(file + ": " + what, cause);
    }
}
