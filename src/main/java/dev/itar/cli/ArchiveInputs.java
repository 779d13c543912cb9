package dev.itar.cli;

import dev.itar.ncore.SequenceMeta;
import dev.itar.storage.S3Uri;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an archive command was given: one {@code .zarr.itar} archive (a file, or an {@code s3://} object), or a
 * local ncore sequence meta {@code .json} and the component stores it lists (their md5s checked against it before
 * they are opened). Problems are one line that names the file: no stack trace reaches a user.
 */
final class ArchiveInputs {
    private ArchiveInputs() {}

    /** Whether {@code location} names a sequence meta file (a local {@code .json}) rather than one archive. */
    static boolean isSequenceMeta(String location) {
        return !S3Uri.isS3(location) && SequenceMeta.isMetaFileName(Path.of(location));
    }

    /** The archives to read for {@code location}: itself, or the stores its sequence meta lists, md5-checked. */
    static List<String> stores(String location) throws IOException {
        if (S3Uri.isS3(location)) {
            return List.of(location);
        }
        Path file = Path.of(location);
        String problem = precheck(file);
        if (problem != null) {
            throw new InputException(problem, ArchiveExit.UNREADABLE);
        }
        if (!SequenceMeta.isMetaFileName(file)) {
            return List.of(location);
        }
        SequenceMeta meta = SequenceMeta.read(file);
        List<String> problems = meta.md5Problems();
        if (!problems.isEmpty()) {
            throw new InputException(problems.get(0) + (problems.size() > 1 ? " (+" + (problems.size() - 1)
                    + " more)" : ""), ArchiveExit.INVALID);
        }
        List<String> out = new ArrayList<>();
        meta.storeFiles().forEach(p -> out.add(p.toString()));
        return out;
    }

    /** One line for a local path that is not a readable file, or null when it is one. */
    static String precheck(Path file) {
        if (Files.isDirectory(file)) {
            return file + ": is a directory, not an archive (give a .zarr.itar file or a sequence meta .json)";
        }
        if (!Files.exists(file)) {
            return file + ": no such file";
        }
        if (!Files.isReadable(file)) {
            return file + ": cannot be read (permission denied)";
        }
        return null;
    }

    /** The one line a user sees for a failure reading {@code file}: it names the file and the problem. */
    static String oneLine(String file, Throwable e) {
        if (e instanceof NoSuchFileException n) {
            return (n.getFile() != null ? n.getFile() : file) + ": no such file";
        }
        if (e instanceof AccessDeniedException a) {
            return (a.getFile() != null ? a.getFile() : file) + ": cannot be read (permission denied)";
        }
        String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                : e.getMessage().replaceAll("\\s+", " ").trim();
        return message.contains(file) ? message : file + ": " + message;
    }

    /** A problem with the input already phrased as the one line to show, and the exit code it means. */
    static final class InputException extends IOException {
        private final int exit;

        InputException(String line, int exit) {
            super(line);
            this.exit = exit;
        }

        int exit() {
            return exit;
        }
    }
}
