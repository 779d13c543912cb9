package dev.itar.cli;

import dev.itar.archive.ArchiveFormatException;
import dev.itar.archive.ByteSource;
import dev.itar.archive.IndexedTarReader;
import dev.itar.storage.StorageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

@Command(name = "cat", mixinStandardHelpOptions = true,
        description = "Writes the raw payload of one key to stdout. KEY 'zarr.json' gives the root metadata "
                + "decoded from the archive's compressed root. FILE may be s3://bucket/key: the object's tail and "
                + "then only the key's bytes are read (settings: ITAR_S3_*, then the AWS SDK's default chains).")
final class CatCommand extends ConsoleCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "the .zarr.itar archive: a file or s3://bucket/key")
    String file;

    @Parameters(index = "1", paramLabel = "KEY", description = "the store key, e.g. cameras/cam0/zarr.json")
    String key;

    /** Where the payload goes: raw bytes, so not the command line's character writer. */
    OutputStream out = System.out;

    @Override
    public Integer call() {
        try (ByteSource source = ArchiveSources.open(file);
             IndexedTarReader r = IndexedTarReader.open(source)) {
            Optional<byte[]> payload = r.get(key);
            if (payload.isEmpty()) {
                err().println(file + ": no key '" + key + "' (" + r.entries().size() + " members; see inspect)");
                return ArchiveExit.INVALID;
            }
            out.write(payload.get());
            out.flush();
            return ArchiveExit.OK;
        } catch (StorageException e) {
            err().println(e.getMessage());
            return ArchiveExit.UNREADABLE;
        } catch (ArchiveFormatException e) {
            err().println(e.getMessage());
            return ArchiveExit.INVALID;
        } catch (IOException e) {
            err().println(file + ": " + e.getMessage());
            return ArchiveExit.UNREADABLE;
        }
    }
}
