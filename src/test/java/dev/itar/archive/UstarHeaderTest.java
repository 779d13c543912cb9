package dev.itar.archive;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The templated header must be commons-compress's header, byte for byte. */
class UstarHeaderTest {
    @Test
    void templatedHeadersEqualCommonsCompressHeaders() {
        String[] keys = {"x", "zarr.cbor.xz", "a/zarr.json", "cameras/cam0/frames/1600000010050000/image/c",
            "k".repeat(99), "sp ace/tab\tq\"uote\\", "~!@#$%^&*()_+`-={}[]|:;'<>?,./."};
        long[] sizes = {0, 1, 511, 512, 513, 3500, 1 << 20, 123456789L, 8589934591L};
        for (String k : keys) {
            assertThat(UstarHeader.plain(k, 0)).as(k).isTrue();
            for (long size : sizes) {
                assertThat(UstarHeader.of(k, size)).as(k + " " + size).isEqualTo(UstarHeader.render(k, size));
            }
        }
    }

    @Test
    void namesOf100BytesNonAsciiNamesDirectoryNamesAndHugeSizesAreNotPlain() {
        assertThat(UstarHeader.plain("a/b/", 0)).isFalse();
        assertThat(UstarHeader.plain("k".repeat(100), 0)).isFalse();
        assertThat(UstarHeader.plain("caf\u00e9/c", 0)).isFalse();
        assertThat(UstarHeader.plain("a", 8589934592L)).isFalse();
    }
}
