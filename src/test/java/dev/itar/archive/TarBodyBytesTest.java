package dev.itar.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tar body IndexedTarWriter writes, some members by itself and the rest through commons-compress, is byte for
 * byte what commons-compress alone writes for the same members with the same settings.
 */
class TarBodyBytesTest {
    @TempDir
    Path dir;

    record Member(String key, byte[] payload) {}

    /** Keys of every shape: short, around the 100-byte name field, long paths, non-ASCII, spaces, oddities. */
    static List<String> keyShapes(String tag) {
        String path = tag + "/cameras/camera_front_wide_120fov/frames/c/0/0/";
        List<String> keys = new ArrayList<>();
        keys.add(tag + "k");
        keys.add(tag + "/zarr.json");
        keys.add(tag + " a key/with spaces .jpg");
        keys.add(ofLength(tag + "/", 98));
        keys.add(ofLength(tag + "/", 99));
        keys.add(ofLength(tag + "/", 100));
        keys.add(ofLength(tag + "/", 101));
        keys.add(ofLength(tag + "/", 140));
        keys.add(ofLength(path.repeat(3), 180));
        keys.add(tag + "/kamera/über/0");
        keys.add(tag + "/日本/" + "x".repeat(92)); // fewer than 100 characters, more than 100 UTF-8 bytes
        keys.add(tag + "/tab\there");
        keys.add(tag + "\\back\\slash");
        keys.add(tag + "/~!@#$%^&*()_+-=[]{};':\",.<>?|`");
        return keys;
    }

    static String ofLength(String prefix, int bytes) {
        return prefix + "x".repeat(bytes - prefix.length());
    }

    static List<Member> members() {
        SplittableRandom random = new SplittableRandom(13);
        int[] sizes = {0, 1, 511, 512, 513, 4097};
        List<Member> members = new ArrayList<>();
        for (int s = 0; s < sizes.length; s++) {
            for (String key : keyShapes("s" + s)) {
                byte[] payload = new byte[sizes[s]];
                random.nextBytes(payload);
                members.add(new Member(key, payload));
            }
        }
        for (String key : List.of("big/k", ofLength("big/", 99), ofLength("big/", 100), "big/über")) {
            byte[] payload = new byte[3 << 20];
            random.nextBytes(payload);
            members.add(new Member(key, payload));
        }
        return members;
    }

    /** The tar body as IndexedTarWriter wrote it before it wrote any header itself: commons-compress alone. */
    static byte[] reference(List<Member> members) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 512, "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            for (Member m : members) {
                tar.putArchiveEntry(PlainMemberHeaderTest.entry(m.key(), m.payload().length));
                tar.write(m.payload());
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        return out.toByteArray();
    }

    /** Puts {@code m} one of three ways, so each way is seen with fast and slow members. */
    static void put(IndexedTarWriter w, Member m, int i) throws IOException {
        byte[] p = m.payload();
        switch (i % 3) {
            case 0 -> w.put(m.key(), p);
            case 1 -> {
                byte[] wider = new byte[p.length + 10];
                System.arraycopy(p, 0, wider, 7, p.length);
                w.put(m.key(), wider, 7, p.length);
            }
            default -> w.put(m.key(), p.length, trickling(p));
        }
    }

    /** A stream that hands out at most 1000 bytes a read, as a socket or a decompressor may. */
    static InputStream trickling(byte[] p) {
        return new ByteArrayInputStream(p) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1000));
            }
        };
    }

    static void assertBodyIs(Path archive, byte[] reference) throws IOException {
        byte[] file = Files.readAllBytes(archive);
        assertThat(file.length).isGreaterThan(reference.length);
        assertThat(Arrays.mismatch(file, 0, reference.length, reference, 0, reference.length))
                .as("first byte of %s that differs from commons-compress's tar body", archive).isEqualTo(-1);
    }

    @Test
    void bodyIsByteIdenticalToCommonsCompressAlone() throws Exception {
        List<Member> members = members();
        Path archive = dir.resolve("a.itar");
        try (IndexedTarWriter w = IndexedTarWriter.create(archive)) {
            for (int i = 0; i < members.size(); i++) {
                put(w, members.get(i), i);
            }
        }
        assertBodyIs(archive, reference(members));
        try (IndexedTarReader r = IndexedTarReader.open(archive)) {
            assertThat(r.entries()).extracting(IndexEntry::key)
                    .containsExactlyElementsOf(members.stream().map(Member::key).toList());
            for (Member m : members) {
                assertThat(r.get(m.key())).as(m.key()).contains(m.payload());
            }
        }
        assertThat(ArchiveVerifier.containerProblems(archive)).isEmpty();
    }

    @Test
    void aKeyEndingInASlashStillBecomesWhatCommonsCompressMakesOfIt() throws Exception {
        // a directory entry, which the verifier rejects; only its bytes are pinned here
        List<Member> members = List.of(new Member("a", new byte[] {1}), new Member("dir/", new byte[0]),
                new Member("b", new byte[] {2}));
        Path archive = dir.resolve("dir.itar");
        try (IndexedTarWriter w = IndexedTarWriter.create(archive)) {
            for (int i = 0; i < members.size(); i++) {
                put(w, members.get(i), i);
            }
        }
        assertBodyIs(archive, reference(members));
    }

    @Test
    void bodyIsTheSameWhenTheLastMemberIsWrittenByEitherPathOrTheWriterIsResumed() throws Exception {
        List<Member> members = members();
        for (String lastKey : List.of("last/k", ofLength("last/", 100))) {
            List<Member> all = new ArrayList<>(members);
            Member last = new Member(lastKey, new byte[] {1, 2, 3});
            all.add(last);
            byte[] reference = reference(all);

            Path viaFinish = dir.resolve("finish-" + lastKey.length() + ".itar");
            try (IndexedTarWriter w = IndexedTarWriter.create(viaFinish)) {
                for (int i = 0; i < members.size(); i++) {
                    put(w, members.get(i), i);
                }
                w.finish(last.key(), out -> out.write(last.payload()), Runnable::run);
            }
            assertBodyIs(viaFinish, reference);

            Path resumed = dir.resolve("resumed-" + lastKey.length() + ".body");
            ArchivePosition at = ArchivePosition.START;
            for (int from = 0; from < all.size(); from += 7) {
                try (IndexedTarWriter w = IndexedTarWriter.resume(resumed, at)) {
                    for (int i = from; i < Math.min(from + 7, all.size()); i++) {
                        put(w, all.get(i), i);
                    }
                    w.flush(false);
                    at = w.position();
                }
            }
            try (IndexedTarWriter w = IndexedTarWriter.resume(resumed, at)) {
                w.finish();
            }
            assertBodyIs(resumed, reference);
        }
    }
}
