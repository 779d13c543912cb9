package dev.itar.cli;

import dev.itar.archive.ArchiveFormatException;
import dev.itar.archive.IndexedTarReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

@Command(name = "cat", mixinStandardHelpOptions = true,
        description = "Writes the raw payload of one key to stdout. KEY 'zarr.json' gives the root metadata "
                + "decoded from the archive's compressed root.")
final class CatCommand extends ConsoleCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "the .zarr.itar archive")
    Path file;

    @Parameters(index = "1", paramLabel = "KEY", description = "the store key, e.g. cameras/cam0/zarr.json")
    String key;

    /** Where the payload goes: raw bytes, so not the command line's character writer. */
    OutputStream out = System.out;

    @Override
    public Integer call() {
        try (IndexedTarReader r = IndexedTarReader.open(file)) {
            Optional<byte[]> payload = r.get(key);
            if (payload.isEmpty()) {
                err().println(file + ": no key '" + key + "' (" + r.entries().size() + " members; see inspect)");
                return ArchiveExit.INVALID;
            }
            out.write(payload.get());
            out.flush();
            return ArchiveExit.OK;
        } catch (ArchiveFormatException e) {
            err().println(e.getMessage());
            return ArchiveExit.INVALID;
        } catch (IOException e) {
            err().println(file + ": " + e.getMessage());
            return ArchiveExit.UNREADABLE;
        }
    }
}
