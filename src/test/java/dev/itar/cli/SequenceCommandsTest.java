package dev.itar.cli;

import dev.itar.Fixtures;
import dev.itar.archive.IndexedTarReader;
import dev.itar.zarr.PyJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.itar.cli.ArchiveCommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** inspect --digests, verify's notices and --strict, and sequence meta .json files given to the commands. */
class SequenceCommandsTest {
    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    @Test
    void inspectDigestsReproduceTheReferenceManifestsExactly() throws Exception {
        for (Path[] f : new Path[][] {{Fixtures.DRIVE_A, Fixtures.DRIVE_A_SUMMARY},
                {Fixtures.PLAIN_1, Fixtures.PLAIN_1.resolveSibling("plain-1.zarr.summary.json")}}) {
            ArchiveCommandsTest.Run r = run("inspect", "--json", "--digests", f[0].toString());
            assertThat(r.exit()).as(r.err()).isZero();
            Map<String, Object> doc = PyJson.parseObject(r.out().getBytes(StandardCharsets.UTF_8));
            Map<String, Object> manifest = (Map<String, Object>) PyJson.parseObject(Files.readAllBytes(f[1]))
                    .get("summary");
            List<Map<String, Object>> nodes = (List<Map<String, Object>>) doc.get("nodes");
            assertThat(nodes).extracting(n -> n.get("path")).containsExactlyElementsOf(manifest.keySet());
            int arrays = 0;
            for (Map<String, Object> n : nodes) {
                Map<String, Object> expected = (Map<String, Object>) manifest.get((String) n.get("path"));
                assertThat(n.get("kind")).isEqualTo(expected.get("kind"));
                assertThat(PyJson.parseObject(PyJson.dumps(n.get("attributes"))))
                        .isEqualTo(expected.get("attributes"));
                if ("array".equals(n.get("kind"))) {
                    arrays++;
                    assertThat(n.get("sha256")).as("%s of %s", n.get("path"), f[0]).isEqualTo(expected.get("sha256"));
                    assertThat(n.get("shape")).isEqualTo(expected.get("shape"));
                } else {
                    assertThat(n).doesNotContainKey("sha256");
                }
            }
            assertThat(arrays).isPositive();
        }
        // without --digests nothing is decoded and no digest is shown
        ArchiveCommandsTest.Run plain = run("inspect", "--json", Fixtures.PLAIN_1.toString());
        assertThat(plain.out()).doesNotContain("sha256");
        // the tree view shows them too
        ArchiveCommandsTest.Run tree = run("inspect", "--digests", Fixtures.PLAIN_1.toString());
        assertThat(tree.out()).containsPattern("sha256 [0-9a-f]{64}");
    }

    @Test
    void verifyReportsNcoresTrailingZerosAsANoticeAndStrictFailsOnThem() throws Exception {
        ArchiveCommandsTest.Run r = run("verify", Fixtures.DRIVE_A.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("notice: .*drive-a.ncore4.zarr.itar: \\d+ zero bytes after the tar "
                + "end-of-archive blocks, at offset \\d+ \\(length \\d+\\)").contains(": OK");
        ArchiveCommandsTest.Run strict = run("verify", "--strict", Fixtures.DRIVE_A.toString());
        assertThat(strict.exit()).isEqualTo(1);
        assertThat(strict.err()).contains("INVALID", "zero bytes after the tar end-of-archive blocks", "(--strict)");
        // an archive of ours has no such bytes: no notice, and --strict passes
        Path ours = tmp.resolve("ours.zarr.itar");
        assertThat(run("migrate", Fixtures.PLAIN_1.toString(), ours.toString()).exit()).isZero();
        ArchiveCommandsTest.Run clean = run("verify", "--strict", ours.toString());
        assertThat(clean.exit()).as(clean.err()).isZero();
        assertThat(clean.out()).doesNotContain("notice");
    }

    @Test
    void verifyHelpSaysWhatIsChecked() {
        ArchiveCommandsTest.Run r = run("verify", "--help");
        assertThat(r.out().replaceAll("\\s+", " ")).contains("--strict", "every name once", "no byte belongs to nothing",
                "notice with their offset and length", "every stored chunk decodes", "md5");
    }

    /** A copy of ncore's own split sequence (drive-m: four component-group stores and its meta file). */
    private Path split() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("split"));
        try (var files = Files.list(Fixtures.DRIVE_M_SPLIT.getParent())) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName().toString()));
            }
        }
        return dir.resolve("drive-m.json");
    }

    @SuppressWarnings("unchecked")
    @Test
    void inspectAndVerifyTakeASequenceMetaFile() throws Exception {
        Path meta = split();
        ArchiveCommandsTest.Run v = run("verify", meta.toString());
        assertThat(v.exit()).as(v.err()).isZero();
        assertThat(v.out()).contains(meta + ": OK");
        // ncore pads each of its stores after the end blocks: one notice per store, and --strict fails
        assertThat(v.out().lines().filter(l -> l.startsWith("notice: "))).hasSize(4);
        ArchiveCommandsTest.Run strict = run("verify", "--strict", meta.toString());
        assertThat(strict.exit()).isEqualTo(1);
        assertThat(strict.err()).contains(meta + ": INVALID: ", "zero bytes after the tar end-of-archive blocks");
        ArchiveCommandsTest.Run i = run("inspect", "--json", "--digests", meta.toString());
        assertThat(i.exit()).as(i.err()).isZero();
        Map<String, Object> doc = PyJson.parseObject(i.out().getBytes(StandardCharsets.UTF_8));
        assertThat(doc.get("sequence_meta")).isEqualTo(meta.toString());
        assertThat((List<Object>) doc.get("stores")).hasSize(4);
        ArchiveCommandsTest.Run tree = run("inspect", meta.toString());
        assertThat(tree.out()).contains("drive-m.ncore4-cameras.zarr.itar", "drive-m.ncore4-masks.zarr.itar",
                "drive-m.ncore4-cuboids.zarr.itar");
        // each store's digests are its manifest's
        for (Object store : (List<Object>) doc.get("stores")) {
            Map<String, Object> st = (Map<String, Object>) store;
            Path file = Path.of((String) st.get("file"));
            Map<String, Object> manifest = (Map<String, Object>) PyJson.parseObject(Files.readAllBytes(
                    Fixtures.summaryOf(Fixtures.DRIVE_M_SPLIT.resolveSibling(file.getFileName().toString()))))
                    .get("summary");
            for (Map<String, Object> n : (List<Map<String, Object>>) st.get("nodes")) {
                if ("array".equals(n.get("kind"))) {
                    assertThat(n.get("sha256")).isEqualTo(((Map<String, Object>) manifest.get(n.get("path")))
                            .get("sha256"));
                }
            }
        }
    }

    @Test
    void aStoreThatNoLongerMatchesItsMd5IsNamed() throws Exception {
        Path meta = split();
        Path radars = meta.resolveSibling("drive-m.ncore4-masks.zarr.itar");
        byte[] b = Files.readAllBytes(radars);
        b[700] ^= 0x10;
        Files.write(radars, b);
        for (String command : List.of("verify", "inspect")) {
            ArchiveCommandsTest.Run r = run(command, meta.toString());
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err().strip()).doesNotContain("\n")
                    .contains(meta.toString(), "store 'drive-m.ncore4-masks.zarr.itar' has md5");
        }
        ArchiveCommandsTest.Run cat = run("cat", meta.toString(), "zarr.json");
        assertThat(cat.exit()).isEqualTo(1);
        assertThat(cat.err()).contains("has md5");
    }

    @Test
    void catChoosesTheStoreThatHasTheKeyOrTheOneNamed() throws Exception {
        Path meta = split();
        String cameraKey;
        try (IndexedTarReader r = IndexedTarReader.open(meta.resolveSibling("drive-m.ncore4-cameras.zarr.itar"))) {
            cameraKey = r.entries().stream().map(e -> e.key()).filter(k -> k.endsWith("/image/0")).findFirst()
                    .orElseThrow(); // zarr v2 chunk key of a 0-d array
        }
        CatRun only = cat(meta.toString(), cameraKey);
        assertThat(only.exit()).as(only.err()).isZero();
        assertThat(only.bytes()).startsWith((byte) 0xFF, (byte) 0xD8); // a JPEG
        CatRun ambiguous = cat(meta.toString(), ".zattrs");
        assertThat(ambiguous.exit()).isEqualTo(1);
        assertThat(ambiguous.err()).contains("key '.zattrs' is in 4 stores", "--store");
        CatRun chosen = cat(meta.toString(), ".zattrs", "--store", "masks");
        assertThat(chosen.exit()).as(chosen.err()).isZero();
        assertThat(new String(chosen.bytes(), StandardCharsets.UTF_8)).contains("\"component_group_name\": \"masks\"");
        CatRun byName = cat(meta.toString(), ".zattrs", "--store", "drive-m.ncore4.zarr.itar");
        assertThat(new String(byName.bytes(), StandardCharsets.UTF_8)).contains("\"component_group_name\": \"\"");
        CatRun none = cat(meta.toString(), ".zattrs", "--store", "lidars");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("no store 'lidars'", "drive-m.ncore4-cameras.zarr.itar (cameras)");
    }

    record CatRun(int exit, byte[] bytes, String err) {}

    private static CatRun cat(String... args) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CatCommand cat = new CatCommand();
        cat.out = bytes;
        picocli.CommandLine cl = new picocli.CommandLine(cat);
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CatRun(exit, bytes.toByteArray(), err.toString());
    }
}
