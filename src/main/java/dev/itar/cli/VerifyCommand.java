package dev.itar.cli;

import dev.itar.archive.ArchiveVerifier;
import dev.itar.zarr.ContentVerifier;
import dev.itar.zarr.ZarrArchiveReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;

@Command(name = "verify", mixinStandardHelpOptions = true,
        header = "Checks an archive completely: container, zero dead space, every chunk decodes.",
        description = "Checks an archive completely: the container (every member once, indexed exactly, zero "
                + "dead space) and the zarr content (every node's metadata and every chunk decodes). Exit 0 "
                + "when valid; otherwise 1 and a one-line reason on stderr.")
final class VerifyCommand extends ConsoleCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "the .zarr.itar archive")
    Path file;

    @Override
    public Integer call() {
        String problem = firstProblem(file);
        if (problem != null) {
            err().println(file + ": INVALID: " + problem);
            return ArchiveExit.INVALID;
        }
        out().println(file + ": OK");
        return ArchiveExit.OK;
    }

    /** The first reason {@code file} is not a valid archive, or null when it is. */
    static String firstProblem(Path file) {
        try {
            ArchiveVerifier.Report container = ArchiveVerifier.verify(file);
            if (!container.valid()) {
                return container.problems().get(0)
                        + (container.problems().size() > 1 ? " (+" + (container.problems().size() - 1) + " more)" : "");
            }
            try (ZarrArchiveReader r = ZarrArchiveReader.open(file)) {
                ContentVerifier.Result content = ContentVerifier.check(r);
                if (!content.valid()) {
                    return content.problems().get(0)
                            + (content.problems().size() > 1 ? " (+" + (content.problems().size() - 1) + " more)" : "");
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }
}
