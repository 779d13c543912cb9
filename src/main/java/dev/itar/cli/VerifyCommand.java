package dev.itar.cli;

import dev.itar.archive.ArchiveVerifier;
import dev.itar.archive.ByteSource;
import dev.itar.archive.ReadAheadByteSource;
import dev.itar.storage.StorageException;
import dev.itar.zarr.ContentVerifier;
import dev.itar.zarr.ZarrArchiveReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;

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

    /**
     * The first reason the archive in {@code source} is not valid, or null when it is. Every byte is read once,
     * front to back (through a read-ahead window, so a stored object costs a ranged read per window).
     *
     * @throws StorageException the archive could not be read (as opposed to read and found invalid)
     */
    static String firstProblem(ByteSource source) throws StorageException {
        try {
            ArchiveVerifier.Report container = ArchiveVerifier.verify(source);
            if (!container.valid()) {
                return container.problems().get(0)
                        + (container.problems().size() > 1 ? " (+" + (container.problems().size() - 1) + " more)" : "");
            }
            // chunks are checked in node order, which is near file order: a window serves them
            ByteSource window = new ReadAheadByteSource(source, ArchiveVerifier.READ_AHEAD_BYTES);
            try (ZarrArchiveReader r = ZarrArchiveReader.open(window)) {
                ContentVerifier.Result content = ContentVerifier.check(r);
                if (!content.valid()) {
                    return content.problems().get(0)
                            + (content.problems().size() > 1 ? " (+" + (content.problems().size() - 1) + " more)" : "");
                }
            }
            return null;
        } catch (StorageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }
}
