package dev.itar.archive;

import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Builds archives by hand, independently of IndexedTarWriter, so tests can lie in every way a file can. */
final class Crafted {
    private Crafted() {}

    /** Tar records (in order, names may repeat) followed by exactly two zero end blocks. */
    static byte[] tarRecords(List<Map.Entry<String, byte[]>> members) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 512, "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> m : members) {
                TarArchiveEntry e = new TarArchiveEntry(m.getKey());
                e.setSize(m.getValue().length);
                e.setModTime(0L);
                tar.putArchiveEntry(e);
                tar.write(m.getValue());
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        return out.toByteArray();
    }

    static byte[] xz(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XZOutputStream xz = new XZOutputStream(out, new LZMA2Options())) {
            xz.write(data);
        }
        return out.toByteArray();
    }

    static byte[] cbor(Object value) throws IOException {
        return new CBORMapper().writeValueAsBytes(value);
    }

    static Map<String, Object> table(List<String> items, List<Long> offsets, List<Long> sizes) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("items", items);
        t.put("offset_datas", offsets);
        t.put("sizes", sizes);
        return t;
    }

    /** records + index payload + zero padding to 512 + header block naming the given offset/size/type. */
    static byte[] assemble(byte[] records, byte[] index, int type, long headerOffset, long headerSize) {
        int padded = (index.length + 511) / 512 * 512;
        ByteBuffer b = ByteBuffer.allocate(records.length + padded + 512).order(ByteOrder.LITTLE_ENDIAN);
        b.put(records).put(index);
        b.position(records.length + padded);
        b.put("itar".getBytes(StandardCharsets.US_ASCII)).putInt(type).putLong(headerOffset)
                .putInt((int) headerSize);
        return b.array();
    }

    static byte[] assemble(byte[] records, byte[] index) {
        return assemble(records, index, 1, records.length, index.length);
    }

    static Path write(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        return file;
    }

    static byte[] withByte(byte[] bytes, long offset, int value) {
        byte[] copy = Arrays.copyOf(bytes, bytes.length);
        copy[(int) offset] = (byte) value;
        return copy;
    }
}
