package dev.itar.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;
import org.junit.jupiter.api.Test;

class PlainMemberHeaderTest {
    static final long[] SIZES = {0, 1, 7, 8, 511, 512, 513, 3 << 20, 01234567012L, TarConstants.MAXSIZE};

    /** The entry IndexedTarWriter builds for a member that goes through commons-compress. */
    static TarArchiveEntry entry(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(size);
        e.setMode(0644);
        e.setModTime(0L);
        e.setIds(0, 0);
        e.setUserName("");
        e.setGroupName("");
        return e;
    }

    /** What commons-compress, set up as IndexedTarWriter sets it, writes before a member's payload. */
    static byte[] commonsCompressHeaders(String name, long size) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 512, "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        tar.putArchiveEntry(entry(name, size));
        tar.flush();
        return out.toByteArray(); // the stream is left unclosed: its payload is never written
    }

    static List<String> fittingNames() {
        List<String> names = new ArrayList<>();
        for (int n = 1; n < 100; n++) {
            names.add("k".repeat(n));
        }
        names.add("cameras/camera_front_wide_120fov/frames/c/0/0/0");
        names.add("a name with spaces/and more spaces .jpg");
        StringBuilder printable = new StringBuilder();
        for (char c = 0x20; c <= 0x7e; c++) {
            if (c != '\\' && c != '/') {
                printable.append(c);
            }
        }
        names.add(printable.substring(0, 45));
        names.add(printable.substring(45) + "/x");
        names.add("d/" + "x".repeat(97));
        return names;
    }

    @Test
    void headerIsByteForByteTheEntryHeaderOfCommonsCompress() throws IOException {
        PlainMemberHeader header = new PlainMemberHeader();
        byte[] expected = new byte[512];
        for (String name : fittingNames()) {
            byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
            for (long size : SIZES) {
                assertThat(PlainMemberHeader.fits(utf8, size)).as("%s of %d bytes fits", name, size).isTrue();
                entry(name, size).writeEntryHeader(expected, ZipEncodingHelper.getZipEncoding("UTF-8"), false);
                assertThat(header.of(utf8, size)).as("header of %s, %d bytes", name, size).isEqualTo(expected);
            }
        }
    }

    @Test
    void commonsCompressWritesExactlyThatOneBlockBeforeThePayload() throws IOException {
        PlainMemberHeader header = new PlainMemberHeader();
        for (String name : fittingNames()) {
            for (long size : new long[] {0, 513, TarConstants.MAXSIZE}) {
                assertThat(commonsCompressHeaders(name, size)).as("%s of %d bytes", name, size)
                        .isEqualTo(header.of(name.getBytes(StandardCharsets.UTF_8), size));
            }
        }
    }

    @Test
    void namesAndSizesThatCommonsCompressWritesOtherwiseDoNotFit() throws IOException {
        String[] names = {"k".repeat(100), "k".repeat(101), "d/".repeat(80), "kamera/über/0", "dir/"};
        for (String name : names) {
            assertThat(PlainMemberHeader.fits(name.getBytes(StandardCharsets.UTF_8), 1)).as(name).isFalse();
            byte[] cc = commonsCompressHeaders(name, 1);
            boolean sameAsPlain = cc.length == 512 && cc[156] == TarConstants.LF_NORMAL;
            assertThat(sameAsPlain).as("commons-compress writes a PAX header or a directory for %s", name).isFalse();
        }
        byte[] k = "k".getBytes(StandardCharsets.US_ASCII);
        assertThat(PlainMemberHeader.fits(k, TarConstants.MAXSIZE + 1)).isFalse();
        assertThat(commonsCompressHeaders("k", TarConstants.MAXSIZE + 1).length).isGreaterThan(512);
    }

    @Test
    void keysOutsidePrintableAsciiOrWithABackslashOrEmptyDoNotFit() {
        for (String name : new String[] {"tab\there", "line\nbreak", "del\u007f", "a\\b", ""}) {
            assertThat(PlainMemberHeader.fits(name.getBytes(StandardCharsets.UTF_8), 0)).as(name).isFalse();
        }
        assertThat(PlainMemberHeader.fits(new byte[] {'a', (byte) 0xc3, (byte) 0xbc}, 0)).isFalse();
        assertThat(PlainMemberHeader.fits("a".getBytes(StandardCharsets.US_ASCII), -1)).isFalse();
    }

    @Test
    void aHeaderForWhatDoesNotFitIsRefusedNamingTheKey() {
        PlainMemberHeader header = new PlainMemberHeader();
        assertThatThrownBy(() -> header.of("k".repeat(100).getBytes(StandardCharsets.US_ASCII), 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + "k".repeat(100) + "'");
    }

    @Test
    void theReusedBlockCarriesNothingOfTheLongerNameBefore() throws IOException {
        PlainMemberHeader header = new PlainMemberHeader();
        header.of("x".repeat(99).getBytes(StandardCharsets.US_ASCII), TarConstants.MAXSIZE);
        byte[] expected = new byte[512];
        entry("y", 3).writeEntryHeader(expected, ZipEncodingHelper.getZipEncoding("UTF-8"), false);
        assertThat(header.of("y".getBytes(StandardCharsets.US_ASCII), 3)).isEqualTo(expected);
    }
}
