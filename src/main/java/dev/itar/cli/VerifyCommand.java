package dev.itar.cli;

import dev.itar.archive.ArchiveVerifier;
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

    /** What {@code verify} found: the problems (none: valid), and how much content was decoded. */
    record Verification(List<String> problems, int nodes, long chunks) {
        boolean valid() {
            return problems.isEmpty();
        }
    }

    /** The container check, then (when the container is sound) the content check of {@code file}. */
    static Verification verify(Path file) {
        try {
            ArchiveVerifier.Report container = ArchiveVerifier.verify(file);
            if (!container.valid()) {
                return new Verification(container.problems(), 0, 0);
            }
            try (ZarrArchiveReader r = ZarrArchiveReader.open(file)) {
                ContentVerifier.Result content = ContentVerifier.check(r);
                return new Verification(content.problems(), content.nodes(), content.chunks());
            }
        } catch (IOException | RuntimeException e) {
            return new Verification(List.of(e.getMessage() == null ? e.toString() : e.getMessage()), 0, 0);
        }
    }

    /** The first reason {@code file} is not a valid archive, or null when it is. */
    static String firstProblem(Path file) {
        List<String> problems = verify(file).problems();
        if (problems.isEmpty()) {
            return null;
        }
        return problems.get(0) + (problems.size() > 1 ? " (+" + (problems.size() - 1) + " more)" : "");
    }
}
