package dev.itar.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteSourceTest {
    @TempDir
    Path dir;

    private Path file(int size) throws Exception {
        byte[] bytes = new byte[size];
        new Random(7).nextBytes(bytes);
        return Files.write(dir.resolve("bytes.bin"), bytes);
    }

    @Test
    void fileSourceReadsExactRangesAndNamesItselfAtTheEnd() throws Exception {
        Path f = file(10_000);
        byte[] all = Files.readAllBytes(f);
        try (FileByteSource s = FileByteSource.open(f)) {
            assertThat(s.size()).isEqualTo(10_000);
            assertThat(s.name()).isEqualTo(f.toString());
            assertThat(s.read(1234, 100)).isEqualTo(Arrays.copyOfRange(all, 1234, 1334));
            assertThat(s.read(10_000, 0)).isEmpty();
            assertThatThrownBy(() -> s.read(9_990, 20)).isInstanceOf(EOFException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining("offset 10000");
        }
    }

    @Test
    void readAheadServesEveryRangeAsTheSourceDoes() throws Exception {
        Path f = file(100_000);
        byte[] all = Files.readAllBytes(f);
        Random r = new Random(11);
        try (ReadAheadByteSource s = new ReadAheadByteSource(FileByteSource.open(f), 4096)) {
            long sequential = 0;
            while (sequential < all.length) {
                int n = (int) Math.min(r.nextInt(700), all.length - sequential);
                assertThat(s.read(sequential, n)).isEqualTo(Arrays.copyOfRange(all, (int) sequential, (int) sequential + n));
                sequential += n;
            }
            for (int i = 0; i < 500; i++) {
                int len = r.nextInt(9000); // some larger than the window
                int off = r.nextInt(all.length - len + 1);
                assertThat(s.read(off, len)).isEqualTo(Arrays.copyOfRange(all, off, off + len));
            }
            assertThatThrownBy(() -> s.read(99_000, 2000)).isInstanceOf(EOFException.class);
        }
    }
}
