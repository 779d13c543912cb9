package dev.itar.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexedTarWriterTest {
    @TempDir
    Path dir;

    static final String LONG_KEY = "cameras/camera_front_wide/" + "very_long_component_name_".repeat(6) + "/frames/c/0";

    static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A few members, one with a key long enough for a PAX header; same calls → same bytes. */
    Path writeSample(Path target) throws IOException {
        try (IndexedTarWriter w = IndexedTarWriter.create(target)) {
            w.put("b/x/c/0", new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            w.put(LONG_KEY, new byte[1000]);
            w.put("b/x/c/1", 3, new ByteArrayInputStream(new byte[] {9, 9, 9}));
            w.put("b/zarr.json", json("{}"));
        }
        return target;
    }

    @Test
    void roundTripsMembersInWriteOrder() throws Exception {
        Path file = writeSample(dir.resolve("s.zarr.itar"));
        try (IndexedTarReader r = IndexedTarReader.open(file)) {
            assertThat(r.get("b/x/c/0")).contains(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            assertThat(r.get("b/x/c/1")).contains(new byte[] {9, 9, 9});
            assertThat(r.get(LONG_KEY)).contains(new byte[1000]);
            assertThat(r.getRange("b/x/c/0", 2, 3)).containsExactly(3, 4, 5);
            assertThat(r.get("missing")).isEmpty();
            assertThat(r.get("b/zarr.json")).contains(json("{}"));
            assertThat(r.entries()).extracting(IndexEntry::key)
                    .containsExactly("b/x/c/0", LONG_KEY, "b/x/c/1", "b/zarr.json");
            assertThat(r.entries()).allSatisfy(e -> assertThat(e.offset() % 512).isZero());
        }
        assertThat(ArchiveVerifier.containerProblems(file)).isEmpty();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file); // no member index or temp file left
        }
    }

    @Test
    void resumedArchiveContinuesAtItsPositionDroppingWhatCameAfter() throws Exception {
        Path body = dir.resolve("rec.body");
        ArchivePosition committed;
        try (IndexedTarWriter w = IndexedTarWriter.resume(body, ArchivePosition.START)) {
            w.put("a/c/0", new byte[700]);
            w.put(LONG_KEY, new byte[] {1});
            w.flush(true);
            committed = w.position();
            w.put("a/c/1", new byte[] {2}); // written, never committed: a crash would leave it behind
            w.put("a/c/2", new byte[] {3});
        }
        assertThat(committed.members()).isEqualTo(2);
        assertThat(Files.size(body)).isGreaterThan(committed.bodyBytes());

        IndexedTarWriter w = IndexedTarWriter.resume(body, committed);
        assertThat(w.position()).isEqualTo(committed);
        w.put("a/c/1", new byte[] {4}); // the dropped member's key is free again
        assertThatThrownBy(() -> w.put("a/c/0", new byte[1])).isInstanceOf(DuplicateKeyException.class)
                .hasMessageContaining("'a/c/0'");
        long size = w.finish();
        assertThat(Files.size(body)).isEqualTo(size);
        assertThat(IndexedTarWriter.memberIndexOf(body)).doesNotExist();
        try (IndexedTarReader r = IndexedTarReader.open(body)) {
            assertThat(r.entries()).extracting(IndexEntry::key).containsExactly("a/c/0", LONG_KEY, "a/c/1");
            assertThat(r.get("a/c/1")).contains(new byte[] {4});
        }
        assertThat(ArchiveVerifier.containerProblems(body)).isEmpty();
    }

    @Test
    void resumingBeyondWhatTheFilesHoldFailsNamingTheFile() throws Exception {
        Path body = dir.resolve("short.body");
        ArchivePosition p;
        try (IndexedTarWriter w = IndexedTarWriter.resume(body, ArchivePosition.START)) {
            w.put("a/c/0", new byte[700]);
            p = w.position();
        }
        Files.write(body, new byte[512]); // the body lost its tail
        assertThatThrownBy(() -> IndexedTarWriter.resume(body, p)).isInstanceOf(IOException.class)
                .hasMessageContaining(body.toString()).hasMessageContaining("fewer than the " + p.bodyBytes());
    }

    @Test
    void writesAreTheSameWhetherInOneSessionOrResumedInMany() throws Exception {
        Path whole = dir.resolve("whole.body");
        try (IndexedTarWriter w = IndexedTarWriter.resume(whole, ArchivePosition.START)) {
            for (int i = 0; i < 20; i++) {
                w.put("k/" + i, new byte[i * 100]);
            }
            w.finish();
        }
        Path pieces = dir.resolve("pieces.body");
        ArchivePosition at = ArchivePosition.START;
        for (int i = 0; i < 20; i++) {
            try (IndexedTarWriter w = IndexedTarWriter.resume(pieces, at)) {
                w.put("k/" + i, new byte[i * 100]);
                w.flush(false);
                at = w.position();
                if (i == 19) {
                    w.finish();
                }
            }
        }
        assertThat(Files.readAllBytes(pieces)).isEqualTo(Files.readAllBytes(whole));
    }

    @Test
    void aMemberLargerThanOneWriteToTheFileRoundTripsFromItsSpanOfTheArray() throws Exception {
        // a member of several megabytes (a lidar chunk) reaches the file in several writes; taken from the middle
        // of a larger array, as frame items hand their chunks over
        byte[] value = new byte[3 * 1024 * 1024 + 777];
        new SplittableRandom(9).nextBytes(value);
        int from = 333;
        int length = value.length - from - 100;
        Path file = dir.resolve("big.itar");
        try (IndexedTarWriter w = IndexedTarWriter.create(file)) {
            w.put("a/c/0", value, from, length);
            w.put("a/c/1", new byte[] {7});
        }
        try (IndexedTarReader r = IndexedTarReader.open(file)) {
            assertThat(r.get("a/c/0")).hasValueSatisfying(b -> assertThat(b).isEqualTo(
                    Arrays.copyOfRange(value, from, from + length)));
            assertThat(r.get("a/c/1")).contains(new byte[] {7});
        }
    }

    @Test
    void sameContentGivesIdenticalBytes() throws Exception {
        byte[] first = Files.readAllBytes(writeSample(dir.resolve("one.itar")));
        byte[] second = Files.readAllBytes(writeSample(dir.resolve("two.itar")));
        assertThat(second).isEqualTo(first);
    }

    @Test
    void writesExactlyTwoEndBlocksThenTheIndexAndHeader() throws Exception {
        Path file = writeSample(dir.resolve("s.itar"));
        byte[] bytes = Files.readAllBytes(file);
        try (IndexedTarReader r = IndexedTarReader.open(file)) {
            IndexEntry last = r.entries().get(r.entries().size() - 1);
            long recordsEnd = (last.end() + 511) / 512 * 512;
            assertThat(r.indexOffset()).isEqualTo(recordsEnd + 1024);
            assertThat(Arrays.copyOfRange(bytes, (int) recordsEnd, (int) recordsEnd + 1024)).containsOnly(0);
            assertThat(bytes.length).isEqualTo(r.indexOffset() + (r.indexSize() + 511) / 512 * 512 + 512);
            ByteBuffer h = ByteBuffer.wrap(bytes, bytes.length - 512, 20).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(new String(bytes, bytes.length - 512, 4, StandardCharsets.US_ASCII)).isEqualTo("itar");
            h.position(bytes.length - 508);
            assertThat(h.getInt()).isEqualTo(1);
            assertThat(h.getLong()).isEqualTo(r.indexOffset());
            assertThat(Integer.toUnsignedLong(h.getInt())).isEqualTo(r.indexSize());
        }
    }

    @Test
    void tarListsExactlyTheMembers() throws Exception {
        Path file = writeSample(dir.resolve("s.itar"));
        Process p;
        try {
            p = new ProcessBuilder("tar", "-tvf", file.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("tar is not installed: " + e.getMessage());
            return;
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(p.exitValue()).isZero();
        try (IndexedTarReader r = IndexedTarReader.open(file)) {
            assertThat(lines).hasSize(r.entries().size());
            for (int i = 0; i < lines.size(); i++) {
                IndexEntry e = r.entries().get(i);
                assertThat(lines.get(i)).startsWith("-rw-r--r-- 0/0").contains(" " + e.size() + " ")
                        .contains("1970-01-01").endsWith(" " + e.key());
            }
        }
    }

    @Test
    void settingADataKeyTwiceIsRejectedNamingTheKey() throws Exception {
        Path target = dir.resolve("dup.itar");
        try (IndexedTarWriter w = IndexedTarWriter.create(target)) {
            w.put("a/c/0", new byte[] {1});
            assertThatThrownBy(() -> w.put("a/c/0", new byte[] {2}))
                    .isInstanceOf(DuplicateKeyException.class).hasMessageContaining("'a/c/0'");
            assertThatThrownBy(() -> w.put("a/c/0", 1, new ByteArrayInputStream(new byte[] {2})))
                    .isInstanceOf(DuplicateKeyException.class);
        }
        try (IndexedTarReader r = IndexedTarReader.open(target)) {
            assertThat(r.get("a/c/0")).contains(new byte[] {1});
        }
    }

    @Test
    void abortLeavesNothingAndKeepsAnExistingTarget() throws Exception {
        Path target = dir.resolve("a.itar");
        IndexedTarWriter w = IndexedTarWriter.create(target);
        w.put("x", new byte[10]);
        w.abort();
        w.close(); // no-op after abort
        assertThat(target).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }

        Files.writeString(target, "previous");
        IndexedTarWriter w2 = IndexedTarWriter.create(target);
        w2.put("x", new byte[10]);
        w2.abort();
        assertThat(Files.readString(target)).isEqualTo("previous");
    }

    @Test
    void aShortStreamFailsTheWriterAndCloseLeavesNoFile() throws Exception {
        Path target = dir.resolve("short.itar");
        IndexedTarWriter w = IndexedTarWriter.create(target);
        assertThatThrownBy(() -> w.put("a/c/0", 10, new ByteArrayInputStream(new byte[4])))
                .isInstanceOf(IOException.class).hasMessageContaining("a/c/0").hasMessageContaining("4 of 10");
        assertThatThrownBy(w::close).isInstanceOf(IOException.class).hasMessageContaining("short.itar");
        assertThat(target).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void emptyArchiveIsValid() throws Exception {
        Path target = dir.resolve("empty.itar");
        IndexedTarWriter.create(target).close();
        try (IndexedTarReader r = IndexedTarReader.open(target)) {
            assertThat(r.entries()).isEmpty();
            assertThat(r.fileSize()).isEqualTo(1024 + 512 + 512);
        }
        assertThat(ArchiveVerifier.containerProblems(target)).isEmpty();
    }

    /** {@code members} small members, then {@code lastKey} with {@code lastSize} bytes written by put and finish. */
    private Path written(Path target, int members, String lastKey, int lastSize, Executor beside) throws IOException {
        IndexedTarWriter w = IndexedTarWriter.create(target);
        for (int i = 0; i < members; i++) {
            w.put("lidars/top/frames/" + i + "/c/0", new byte[] {(byte) i});
        }
        byte[] last = new byte[lastSize];
        new SplittableRandom(lastSize).nextBytes(last);
        if (beside == null) {
            w.put(lastKey, last);
            w.finish();
        } else {
            w.finish(lastKey, out -> out.write(last), beside);
        }
        return target;
    }

    @Test
    void aLastMemberWrittenWhileTheIndexIsCompressedGivesTheSameBytes() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // an index long enough to be compressed early, one too short, and a last key needing a PAX header
            for (int members : new int[] {40_000, 10}) {
                for (String key : new String[] {"zarr.cbor.xz", LONG_KEY}) {
                    String name = members + "-" + key.length();
                    byte[] plain = Files.readAllBytes(written(dir.resolve(name + ".put"), members, key, 70_000, null));
                    for (Executor beside : new Executor[] {pool, Runnable::run, task -> { }}) {
                        Path early = written(dir.resolve(name + ".early"), members, key, 70_000, beside);
                        assertThat(Files.readAllBytes(early)).as(name).isEqualTo(plain);
                        Files.delete(early);
                    }
                }
            }
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left.map(p -> p.getFileName().toString())).allMatch(n -> n.endsWith(".put"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingLastMemberAbortsTheArchiveAndLeavesNoTempFile() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            IndexedTarWriter w = IndexedTarWriter.create(dir.resolve("failed.itar"));
            for (int i = 0; i < 40_000; i++) {
                w.put("lidars/top/frames/" + i + "/c/0", new byte[] {(byte) i});
            }
            assertThatThrownBy(() -> w.finish("zarr.cbor.xz", out -> {
                out.write(new byte[100]);
                throw new IOException("disk gone");
            }, pool)).hasMessage("disk gone");
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void hundredThousandKeysWriteVerifyAndLoad() throws Exception {
        Path target = dir.resolve("many.itar");
        try (IndexedTarWriter w = IndexedTarWriter.create(target)) {
            for (int i = 0; i < 100_000; i++) {
                w.put("lidars/top/frames/" + i + "/c/0", new byte[] {(byte) i});
            }
            assertThat(w.members()).isEqualTo(100_000);
        }
        try (IndexedTarReader r = IndexedTarReader.open(target)) {
            assertThat(r.entries()).hasSize(100_000);
            assertThat(r.get("lidars/top/frames/99999/c/0")).contains(new byte[] {(byte) 99999});
            assertThat(r.get("lidars/top/frames/7/c/0")).contains(new byte[] {7});
        }
        assertThat(ArchiveVerifier.containerProblems(target)).isEmpty();
    }

    @Test
    void readerIsSafeToShareBetweenThreads() throws Exception {
        Path target = dir.resolve("threads.itar");
        try (IndexedTarWriter w = IndexedTarWriter.create(target)) {
            for (int i = 0; i < 200; i++) {
                byte[] b = new byte[3000];
                Arrays.fill(b, (byte) i);
                w.put("k" + i, b);
            }
        }
        try (IndexedTarReader r = IndexedTarReader.open(target, 4096)) {
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 0; i < 200; i++) {
                            byte[] b = r.get("k" + i).orElseThrow();
                            if (b.length != 3000 || b[0] != (byte) i || b[2999] != (byte) i) {
                                throw new AssertionError("wrong bytes for k" + i);
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join(60_000);
            }
            assertThat(errors).isEmpty();
        }
    }
}
