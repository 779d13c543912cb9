package dev.itar.cli;

import dev.itar.archive.ArchiveVerifier;
import dev.itar.archive.ByteSource;
import dev.itar.archive.FileByteSource;
import dev.itar.archive.ReadAheadByteSource;
import dev.itar.ncore.SequenceReader;
import dev.itar.storage.StorageException;
import dev.itar.zarr.ContentVerifier;
import dev.itar.zarr.ZarrArchiveReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

@Command(name = "verify", mixinStandardHelpOptions = true,
        header = "Checks an archive completely: container, zero dead space, every chunk decodes.",
        description = {
            "Checks an archive completely, and exits 0 only when it is valid (otherwise 1 and a one-line reason "
                    + "on stderr; 3 when it cannot be read at all). What is checked:",
            "  1. the tar members, walked from offset 0 independently of the index: every header's checksum and "
                    + "type (regular files, PAX or GNU long names), every name once, zero padding after each payload;",
            "  2. the index: it lists exactly the tar members, each with its true payload offset and size, and the "
                    + "index header points at it;",
            "  3. no byte belongs to nothing: the file is the members, the two end-of-archive blocks, the index "
                    + "padded to 512 bytes and the header block, all padding zero. Zero bytes between the end "
                    + "blocks and the index (ncore's own files have them: Python's tarfile pads to 10240 bytes) "
                    + "are reported as a notice with their offset and length; --strict fails on them;",
            "  4. the zarr content: every node's metadata parses, every stored chunk decodes to its size, and "
                    + "every member is node metadata or a chunk of some array.",
            "Given a local sequence meta .json, every store it lists is checked this way, each store's md5 must be "
                    + "the one the meta records, and the stores must form one sequence. FILE may be s3://bucket/key "
                    + "(settings: ITAR_S3_*, then the AWS SDK's default chains)."})
final class VerifyCommand extends ConsoleCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "the .zarr.itar archive: a file or s3://bucket/key; "
            + "or a sequence meta .json")
    String file;

    @Option(names = "--strict", description = "also fail on bytes that belong to no member but are tolerated "
            + "(the zero padding after the end-of-archive blocks)")
    boolean strict;

    @Override
    public Integer call() {
        List<String> notices = new ArrayList<>();
        String problem = null;
        try {
            for (String store : ArchiveInputs.stores(file)) {
                try (ByteSource source = ArchiveSources.open(store)) {
                    problem = verify(source, notices).firstProblem();
                }
                if (problem != null) {
                    break;
                }
            }
            if (problem == null && ArchiveInputs.isSequenceMeta(file)) {
                try (SequenceReader r = SequenceReader.open(Path.of(file))) {
                    r.header(); // opening checks that the stores form one sequence
                }
            }
        } catch (StorageException e) {
            err().println(e.getMessage());
            return ArchiveExit.UNREADABLE;
        } catch (ArchiveInputs.InputException e) {
            if (e.exit() == ArchiveExit.UNREADABLE) {
                err().println(e.getMessage());
                return ArchiveExit.UNREADABLE;
            }
            problem = e.getMessage();
        } catch (IOException | RuntimeException e) {
            problem = ArchiveInputs.oneLine(file, e);
        }
        if (problem == null && strict && !notices.isEmpty()) {
            problem = notices.get(0) + " (--strict)";
        }
        for (String notice : notices) {
            out().println("notice: " + notice);
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

    /** {@link #verify(ByteSource, List)} without the notices. */
    static Verification verify(ByteSource source) throws StorageException {
        return verify(source, new ArrayList<>());
    }

    /**
     * The container check, then (when the container is sound) the content check. Every byte is read once, front
     * to back (through a read-ahead window, so a stored object costs a ranged read per window). Stretches the
     * container tolerates are added to {@code notices}.
     *
     * @throws StorageException the archive could not be read (as opposed to read and found invalid)
     */
    static Verification verify(ByteSource source, List<String> notices) throws StorageException {
        try {
            ArchiveVerifier.Report container = ArchiveVerifier.verify(source);
            if (!container.valid()) {
                return new Verification(container.problems(), 0, 0);
            }
            container.notices().forEach(n -> notices.add(n.message()));
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
