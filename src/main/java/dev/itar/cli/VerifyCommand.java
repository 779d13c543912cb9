package dev.itar.cli;

import dev.itar.archive.ArchiveVerifier;
import dev.itar.archive.ByteSource;
import dev.itar.archive.FileByteSource;
import dev.itar.archive.ReadAheadByteSource;
import dev.itar.storage.StorageException;
import dev.itar.zarr.ContentVerifier;
import dev.itar.zarr.ZarrArchiveReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

@Command(name = "verify", mixinStandardHelpOptions = true,
        header = "Checks an archive completely: container, zero dead space, every chunk decodes.",
        description = "Checks an archive completely: the container (every member once, indexed exactly, zero "
                + "dead space) and the zarr content (every node's metadata and every chunk decodes). Exit 0 "
                + "when valid; otherwise 1 and a one-line reason on stderr (3 when it cannot be read at all). "
                + "FILE may be s3://bucket/key (settings: ITAR_S3_*, then the AWS SDK's default chains).")
final class VerifyCommand extends ConsoleCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "the .zarr.itar archive: a file or s3://bucket/key")
    String file;

    @Override
    public Integer call() {
        String problem;
        try (ByteSource source = ArchiveSources.open(file)) {
            problem = firstProblem(source);
        } catch (StorageException e) {
            err().println(e.getMessage());
            return ArchiveExit.UNREADABLE;
        } catch (IOException e) {
            err().println(file + ": " + e.getMessage());
            return ArchiveExit.UNREADABLE;
        }
        if (problem != null) {
            err().println(file + ": INVALID: " + problem);
            return ArchiveExit.INVALID;
        }
        out().println(file + ": OK");
        return ArchiveExit.OK;
    }

    /** What {@code verify} found: the problems (none: valid), and how much content was decoded. */
    record Verification(List<String> problems, int nodes, long chunks) {
        boolean valid() {
            return problems.isEmpty();
        }

        /** The first problem, with how many more there are; null when valid. */
        String firstProblem() {
            if (problems.isEmpty()) {
                return null;
            }
            return problems.get(0) + (problems.size() > 1 ? " (+" + (problems.size() - 1) + " more)" : "");
        }
    }

    /**
     * The first reason the archive in {@code source} is not valid, or null when it is.
     *
     * @throws StorageException the archive could not be read (as opposed to read and found invalid)
     */
    static String firstProblem(ByteSource source) throws StorageException {
        return verify(source).firstProblem();
    }

    /** {@link #verify(ByteSource)} of a local file; a file that cannot be opened is one problem. */
    static Verification verify(Path file) {
        try (FileByteSource source = FileByteSource.open(file)) {
            return verify(source);
        } catch (IOException e) {
            return new Verification(List.of(file + ": " + e.getMessage()), 0, 0);
        }
    }

    /**
     * The container check, then (when the container is sound) the content check. Every byte is read once, front
     * to back (through a read-ahead window, so a stored object costs a ranged read per window).
     *
     * @throws StorageException the archive could not be read (as opposed to read and found invalid)
     */
    static Verification verify(ByteSource source) throws StorageException {
        try {
            ArchiveVerifier.Report container = ArchiveVerifier.verify(source);
            if (!container.valid()) {
                return new Verification(container.problems(), 0, 0);
            }
            // chunks are checked in node order, which is near file order: a window serves them
            ByteSource window = new ReadAheadByteSource(source, ArchiveVerifier.READ_AHEAD_BYTES);
            try (ZarrArchiveReader r = ZarrArchiveReader.open(window)) {
                ContentVerifier.Result content = ContentVerifier.check(r);
                return new Verification(content.problems(), content.nodes(), content.chunks());
            }
        } catch (StorageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            return new Verification(List.of(e.getMessage() == null ? e.toString() : e.getMessage()), 0, 0);
        }
    }
}
