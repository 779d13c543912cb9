package dev.itar.storage;

import dev.itar.storage.StorageException.Reason;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** Turns a file system failure into a {@link StorageException} of the right kind. */
final class LocalFailures {
    private LocalFailures() {}

    static StorageException of(String location, String action, IOException e) {
        if (e instanceof StorageException s) {
            return s;
        }
        Reason reason = reasonOf(e);
        String what = e instanceof FileSystemException f && f.getReason() != null
                ? (f.getFile() == null ? "" : f.getFile() + ": ") + f.getReason()
                : e.getMessage();
        return new StorageException(location, reason, action + ": " + reason.summary() + " (" + what + ")", e);
    }

    private static Reason reasonOf(IOException e) {
        if (e instanceof NoSuchFileException) {
            return Reason.NOT_FOUND;
        }
        if (e instanceof AccessDeniedException) {
            return Reason.ACCESS_DENIED;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t instanceof FileSystemException f && f.getReason() != null ? f.getReason() : t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return Reason.NO_SPACE;
            }
            if (m != null && m.contains("Read-only file system")) {
                return Reason.ACCESS_DENIED;
            }
        }
        return Reason.IO_ERROR;
    }
}
