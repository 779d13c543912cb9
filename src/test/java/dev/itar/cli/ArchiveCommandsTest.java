package dev.itar.cli;

import dev.itar.Fixtures;
import dev.itar.archive.IndexedTarReader;
import dev.itar.zarr.ArchiveSummary;
import dev.itar.zarr.ConsolidatedRoot;
import dev.itar.zarr.PyJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** inspect, verify, cat and migrate as a user runs them, on ncore's own archives and on damaged copies. */
class ArchiveCommandsTest {
    static final Path DRIVE = Fixtures.DRIVE_A;
    static final Path PLAIN = Fixtures.PLAIN_1;

    @TempDir
    Path tmp;

    /** Runs the CLI in-process, capturing what it writes. */
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void verifyAcceptsNcoreWrittenArchives() {
        for (Path p : new Path[] {DRIVE, PLAIN}) {
            Run r = run("verify", p.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("OK");
        }
    }

    @Test
    void verifyRejectsAFlippedChunkByteWithOneLineNamingTheChunk() throws Exception {
        Path copy = tmp.resolve("damaged.zarr.itar");
        Files.copy(DRIVE, copy);
        long offset;
        String key;
        try (IndexedTarReader r = IndexedTarReader.open(copy)) {
            var e = r.entries().stream().filter(x -> x.key().endsWith("distance_m/0.0")).findFirst().orElseThrow();
            // byte 4 of a blosc chunk is its decoded size: blosc has no checksum, so flipping a byte of the
            // compressed stream itself may decode silently to other values; a wrong size never does
            offset = e.offset() + 4;
            key = e.key();
        }
        try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x5a)).rewind();
            ch.write(b, offset);
        }
        Run r = run("verify", copy.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
        assertThat(r.err()).contains("INVALID").contains(key.substring(0, key.lastIndexOf('/')));
    }

    @Test
    void verifyRejectsTrailingBytesAsDeadSpace() throws Exception {
        Path copy = tmp.resolve("trailing.zarr.itar");
        Files.copy(PLAIN, copy);
        Files.write(copy, new byte[512], StandardOpenOption.APPEND);
        Run r = run("verify", copy.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(copy.toString()).contains("INVALID");
    }

    @Test
    void verifyOfAFileThatIsNoArchiveFailsWithAReason() throws Exception {
        Path junk = tmp.resolve("junk.zarr.itar");
        Files.writeString(junk, "not an archive at all");
        Run r = run("verify", junk.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("junk.zarr.itar");
    }

    @Test
    void catWritesTheRawPayloadOfOneKey() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CatCommand cat = new CatCommand();
        cat.out = bytes;
        CommandLine cl = new CommandLine(cat);
        int exit = cl.execute(PLAIN.toString(), ".zmetadata.cbor.xz");
        assertThat(exit).isZero();
        try (IndexedTarReader r = IndexedTarReader.open(PLAIN)) {
            assertThat(bytes.toByteArray()).isEqualTo(r.get(".zmetadata.cbor.xz").orElseThrow());
        }
    }

    @Test
    void catOfAMissingKeyFailsNamingIt() {
        Run r = run("cat", PLAIN.toString(), "no/such/key");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no key 'no/such/key'");
    }

    @Test
    void inspectShowsTreeShapesDtypesAndOverhead() {
        Run r = run("inspect", DRIVE.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("zarr format 2").contains("107 nodes")
                .contains("ray_bundle_returns").contains("float32 (2, 64)").contains("blosc(lz4,5,")
                .contains("container overhead");
    }

    @Test
    void inspectJsonIsOneParsableDocument() throws Exception {
        Run r = run("inspect", "--json", PLAIN.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Map<String, Object> doc = PyJson.parseObject(r.out().getBytes(StandardCharsets.UTF_8));
        assertThat(((Number) doc.get("zarr_format")).intValue()).isEqualTo(2);
        assertThat(doc).containsKeys("nodes", "members", "payload_bytes", "file_bytes");
    }

    @Test
    void migrateWritesAVerifiedV3ArchiveWithTheSameContent() throws Exception {
        for (String dialect : new String[] {"pr68", "ncore20-xz", "ncore20-zlib"}) {
            Path dst = tmp.resolve("drive-" + dialect + ".zarr.itar");
            Run r = run("migrate", "--dialect", dialect, DRIVE.toString(), dst.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(run("verify", dst.toString()).exit()).isZero();
            Map<String, Object> want = ArchiveSummary.of(DRIVE);
            Map<String, Object> got = ArchiveSummary.of(dst);
            assertThat(got.get("summary")).isEqualTo(want.get("summary"));
            assertThat(got.get("zarr_format")).isEqualTo(3);
            try (IndexedTarReader a = IndexedTarReader.open(dst)) {
                assertThat(ConsolidatedRoot.dialect(a).orElseThrow().cliName()).isEqualTo(dialect);
            }
        }
    }

    @Test
    void migrateRefusesToOverwriteWithoutForceAndLeavesTheTargetAlone() throws Exception {
        Path dst = tmp.resolve("out.zarr.itar");
        Files.writeString(dst, "precious");
        Run refused = run("migrate", PLAIN.toString(), dst.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("--force");
        assertThat(Files.readString(dst)).isEqualTo("precious");
        Run forced = run("migrate", "--force", PLAIN.toString(), dst.toString());
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(run("verify", dst.toString()).exit()).isZero();
    }

    @Test
    void migrateIsDeterministic() throws Exception {
        Path a = tmp.resolve("a.zarr.itar");
        Path b = tmp.resolve("b.zarr.itar");
        assertThat(run("migrate", PLAIN.toString(), a.toString()).exit()).isZero();
        assertThat(run("migrate", PLAIN.toString(), b.toString()).exit()).isZero();
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    }

    @Test
    void migrateRejectsAnUnknownDialectAsUsage() {
        Run r = run("migrate", "--dialect", "zarr4", PLAIN.toString(), tmp.resolve("x").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(Files.exists(tmp.resolve("x"))).isFalse();
    }

    @Test
    void helpListsEveryArchiveCommand() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("inspect").contains("verify").contains("cat").contains("migrate");
    }
}
