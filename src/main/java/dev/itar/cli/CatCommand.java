package dev.itar.cli;

import dev.itar.archive.ArchiveFormatException;
import dev.itar.archive.ByteSource;
import dev.itar.archive.IndexedTarReader;
import dev.itar.ncore.SequenceMeta;
import dev.itar.storage.StorageException;
import dev.itar.zarr.ConsolidatedRoot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@Command(name = "cat", mixinStandardHelpOptions = true,
        description = "Writes the raw payload of one key to stdout. KEY 'zarr.json' gives the root metadata "
                + "decoded from the archive's compressed root. FILE may be s3://bucket/key: the object's tail and "
                + "then only the key's bytes are read (settings: ITAR_S3_*, then the AWS SDK's default chains). "
                + "Given a local sequence meta .json, the key is looked up in the store chosen with --store, or in "
                + "the one store that has it.")
final class CatCommand extends ConsoleCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "the .zarr.itar archive: a file or s3://bucket/key; "
            + "or a sequence meta .json")
    String file;

    @Parameters(index = "1", paramLabel = "KEY", description = "the store key, e.g. cameras/cam0/zarr.json")
    String key;

    @Option(names = "--store", paramLabel = "STORE", description = "with a sequence meta .json: the store, by its "
            + "file name as the meta lists it or by its component group (the part after 'ncore4-'; 'default' for "
            + "the store without one)")
    String store;

    /** Where the payload goes: raw bytes, so not the command line's character writer. */
    OutputStream out = System.out;

    @Override
    public Integer call() {
        List<String> stores;
        try {
            stores = ArchiveInputs.stores(file);
            if (store != null) {
                if (!ArchiveInputs.isSequenceMeta(file)) {
                    err().println(file + ": --store chooses a store of a sequence meta .json; this is one archive");
                    return ArchiveExit.USAGE;
                }
                stores = List.of(chosen(SequenceMeta.read(Path.of(file))));
            }
        } catch (StorageException e) {
            err().println(e.getMessage());
            return ArchiveExit.UNREADABLE;
        } catch (ArchiveInputs.InputException e) {
            err().println(e.getMessage());
            return e.exit();
        } catch (IOException | RuntimeException e) {
            err().println(ArchiveInputs.oneLine(file, e));
            return ArchiveExit.INVALID;
        }
        List<String> having = new ArrayList<>();
        byte[] payload = null;
        for (String s : stores) {
            try (ByteSource source = ArchiveSources.open(s);
                 IndexedTarReader r = IndexedTarReader.open(source)) {
                Optional<byte[]> p = ConsolidatedRoot.get(r, key);
                if (p.isPresent()) {
                    having.add(s);
                    payload = p.get();
                }
            } catch (StorageException e) {
                err().println(e.getMessage());
                return ArchiveExit.UNREADABLE;
            } catch (ArchiveFormatException e) {
                err().println(ArchiveInputs.oneLine(s, e));
                return ArchiveExit.INVALID;
            } catch (IOException e) {
                err().println(ArchiveInputs.oneLine(s, e));
                return ArchiveExit.UNREADABLE;
            }
        }
        if (having.isEmpty()) {
            err().println(file + ": no key '" + key + "'" + (stores.size() > 1 ? " in any of its " + stores.size()
                    + " stores" : "") + " (see inspect)");
            return ArchiveExit.INVALID;
        }
        if (having.size() > 1) {
            err().println(file + ": key '" + key + "' is in " + having.size() + " stores (" + names(having)
                    + "); choose one with --store");
            return ArchiveExit.INVALID;
        }
        try {
            out.write(payload);
            out.flush();
            return ArchiveExit.OK;
        } catch (IOException e) {
            err().println(file + ": cannot write key '" + key + "' to stdout: " + e.getMessage());
            return ArchiveExit.UNREADABLE;
        }
    }

    private String chosen(SequenceMeta meta) throws IOException {
        List<String> names = new ArrayList<>();
        for (SequenceMeta.Store s : meta.stores()) {
            String group = groupOf(s.path());
            if (s.path().equals(store) || group.equals(store)) {
                return s.file().toString();
            }
            names.add(s.path() + " (" + group + ")");
        }
        throw new ArchiveInputs.InputException(file + ": no store '" + store + "'; it lists " + String.join(", ",
                names), ArchiveExit.INVALID);
    }

    /** The component group in an ncore store file name {@code <base>.ncore4[-<group>].zarr.itar}. */
    private static String groupOf(String storeFileName) {
        int at = storeFileName.lastIndexOf(".ncore4");
        if (at < 0) {
            return storeFileName;
        }
        String rest = storeFileName.substring(at + ".ncore4".length());
        return rest.startsWith("-") && rest.endsWith(".zarr.itar")
                ? rest.substring(1, rest.length() - ".zarr.itar".length()) : "default";
    }

    private static String names(List<String> stores) {
        List<String> out = new ArrayList<>();
        stores.forEach(p -> out.add(Path.of(p).getFileName().toString()));
        return String.join(", ", out);
    }
}
