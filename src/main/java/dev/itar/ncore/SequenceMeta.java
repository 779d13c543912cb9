package dev.itar.ncore;

import dev.itar.archive.FileDigests;
import dev.itar.zarr.PyJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ncore's sequence meta {@code .json} (components.py {@code SequenceMeta}) as read back: the sequence's stores,
 * each with the md5 it was written with. A sequence split into component-group stores is opened through it, as
 * ncore's {@code SequenceComponentGroupsReader.expand_component_group_paths} does: store paths are relative to the
 * file's directory.
 *
 * @param file   the meta file
 * @param stores the component stores in the order listed
 */
public record SequenceMeta(Path file, String sequenceId, List<Store> stores) {
    /** One listed store: its file (resolved beside the meta file) and the md5 the meta records for it. */
    public record Store(String path, Path file, String md5) {
    }

    public SequenceMeta {
        stores = List.copyOf(stores);
    }

    /** Whether a command should read {@code file} as a sequence meta file rather than an archive. */
    public static boolean isMetaFileName(Path file) {
        return file.getFileName() != null && file.getFileName().toString().endsWith(".json");
    }

    /**
     * Reads a sequence meta file.
     *
     * @throws SequenceFormatException one line naming the file and what is wrong with it
     */
    public static SequenceMeta read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new SequenceFormatException(file + ": no such file");
        }
        Map<String, Object> m;
        try {
            m = PyJson.parseObject(bytes);
        } catch (IOException | RuntimeException e) {
            throw new SequenceFormatException(file + ": not an ncore sequence meta file: not a JSON object ("
                    + oneLine(e.getMessage()) + ")");
        }
        if (!"v4".equals(m.get("version")) || !(m.get("component_stores") instanceof List<?> list)) {
            throw new SequenceFormatException(file + ": not an ncore v4 sequence meta file: it needs \"version\": "
                    + "\"v4\" and a \"component_stores\" list (version is " + m.get("version") + ")");
        }
        if (list.isEmpty()) {
            throw new SequenceFormatException(file + ": its component_stores list is empty");
        }
        Path dir = file.toAbsolutePath().getParent();
        List<Store> stores = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> s) || !(s.get("path") instanceof String path)
                    || !(s.get("md5") instanceof String md5)) {
                throw new SequenceFormatException(file + ": component_stores[" + i + "] needs a \"path\" and an "
                        + "\"md5\" string");
            }
            Path p = Path.of(path);
            if (p.isAbsolute() || path.isEmpty() || p.normalize().startsWith("..")) {
                throw new SequenceFormatException(file + ": component_stores[" + i + "] path '" + path
                        + "' must be relative to the meta file's directory, inside it");
            }
            stores.add(new Store(path, dir.resolve(p), md5));
        }
        Object id = m.get("sequence_id");
        return new SequenceMeta(file, id instanceof String s ? s : null, stores);
    }

    /**
     * Each store's md5 against the one recorded: one line per store that is missing or differs (empty when all
     * match). Reads every store once.
     */
    public List<String> md5Problems() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Store s : stores) {
            if (!Files.isRegularFile(s.file())) {
                problems.add(file + ": store '" + s.path() + "' is missing (" + s.file() + ")");
                continue;
            }
            String actual = FileDigests.of(s.file()).md5();
            if (!actual.equalsIgnoreCase(s.md5())) {
                problems.add(file + ": store '" + s.path() + "' has md5 " + actual + ", the meta file records "
                        + s.md5());
            }
        }
        return problems;
    }

    /** The store files, in the order listed. */
    public List<Path> storeFiles() {
        List<Path> out = new ArrayList<>();
        stores.forEach(s -> out.add(s.file()));
        return out;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
