package dev.itar.cli;

import dev.itar.archive.FileByteSource;
import dev.itar.zarr.Migration;
import dev.itar.zarr.RootDialect;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        header = "Converts a legacy zarr-format-2 archive into zarr format 3.",
        description = "Converts a legacy zarr-format-2 archive into a zarr-format-3 archive with the same "
                + "hierarchy, attributes and values (ncore's v3 codecs: bytes + blosc lz4 bitshuffle clevel "
                + "5; encoded images uncompressed). Deterministic; written atomically.")
final class MigrateCommand extends ConsoleCommand {

    @Parameters(index = "0", paramLabel = "SRC", description = "the legacy (or any) .zarr.itar archive")
    Path src;

    @Parameters(index = "1", paramLabel = "DST", description = "the zarr v3 archive to write")
    Path dst;

    @Option(names = "--dialect", paramLabel = "NAME", defaultValue = "pr68",
            description = "compressed root spelling: pr68 (zarr.cbor.xz, default), ncore20-xz, ncore20-zlib")
    String dialect;

    @Option(names = "--force", description = "replace DST if it exists")
    boolean force;

    @Override
    public Integer call() {
        RootDialect d;
        try {
            d = RootDialect.fromCliName(dialect);
        } catch (IllegalArgumentException e) {
            err().println("--dialect: " + e.getMessage());
            return ArchiveExit.USAGE;
        }
        String unreadable = ArchiveInputs.precheck(src);
        if (unreadable != null) {
            err().println(unreadable);
            return ArchiveExit.INVALID;
        }
        ProgressLine progress = ProgressLine.forConsole(err());
        String label = "migrate " + src.getFileName() + ": ";
        try {
            Migration.migrate(src, dst, d, force, (done, total) -> progress.update(label + done + "/" + total + " nodes"));
            progress.finish(label + "done");
        } catch (FileAlreadyExistsException e) {
            err().println(dst + " exists; use --force to replace it");
            return ArchiveExit.INVALID;
        } catch (IOException | RuntimeException e) {
            err().println(ArchiveInputs.oneLine(src.toString(), e) + " (migrating to " + dst + ")");
            return ArchiveExit.INVALID;
        }
        String problem;
        try (FileByteSource written = FileByteSource.open(dst)) {
            problem = VerifyCommand.firstProblem(written);
        } catch (IOException e) {
            problem = e.getMessage();
        }
        if (problem != null) {
            err().println(dst + ": written but INVALID: " + problem);
            return ArchiveExit.INVALID;
        }
        out().println(dst + ": OK (zarr format 3, " + d.cliName() + ")");
        return ArchiveExit.OK;
    }
}
