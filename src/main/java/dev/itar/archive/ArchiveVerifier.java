package dev.itar.archive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks an indexed tar archive's container byte by byte: it walks the tar members from offset 0 itself
 * (independently of the index), then checks that the file is exactly records, two zero end blocks (then,
 * as Python's tarfile pads, only zero bytes), the index padded to 512 bytes, and the header block; that
 * member names are unique; and that the index lists exactly the members with their true payload offsets
 * and sizes. No byte may belong to nothing.
 *
 * <p>Every byte is read once, front to back, through a read-ahead window, so an archive in an object store
 * costs one ranged read per window, not one per member.
 */
public final class ArchiveVerifier {
    private static final int BLOCK = IndexHeader.BLOCK;
    /** PAX and GNU long-name payloads are a key or two; anything larger is damage. */
    private static final long MAX_EXTENDED_HEADER = 1 << 20;
    /** Read-ahead for the walk: large enough that a ranged GET's latency is small against its transfer. */
    public static final int READ_AHEAD_BYTES = 8 << 20;

    private ArchiveVerifier() {}

    /**
     * What a verification found: problems (empty = valid), notices — bytes the container tolerates but that belong
     * to no member (ncore's zero padding after the end-of-archive blocks) — and the members walked.
     */
    public record Report(List<String> problems, List<Notice> notices, List<IndexEntry> members) {
        public boolean valid() {
            return problems.isEmpty();
        }

        /** The notices' messages. */
        public List<String> info() {
            List<String> out = new ArrayList<>();
            notices.forEach(n -> out.add(n.message()));
            return out;
        }
    }

    /** A tolerated stretch of the file that holds no data: {@code length} bytes from {@code offset}. */
    public record Notice(String message, long offset, long length) {
    }

    /** Human-readable problems with {@code file}'s container; an empty list means it is valid. */
    public static List<String> containerProblems(Path file) throws IOException {
        return verify(file).problems();
    }

    /** Problems plus notes such as the size of the zero gap Python's tarfile leaves before the index. */
    public static Report verify(Path file) throws IOException {
        try (FileByteSource source = FileByteSource.open(file)) {
            return verify(source);
        }
    }

    /** As {@link #verify(Path)}, for an archive in any source (which stays open). */
    public static Report verify(ByteSource source) throws IOException {
        List<String> problems = new ArrayList<>();
        List<Notice> info = new ArrayList<>();
        List<IndexEntry> members = new ArrayList<>();
        String file = source.name();
        Bytes ch = new Bytes(new ReadAheadByteSource(source, READ_AHEAD_BYTES));
        long size = ch.size;
        IndexedTarReader reader = null;
        try {
            reader = IndexedTarReader.open(source);
        } catch (ArchiveFormatException e) {
            problems.add(e.getMessage());
        }
        long walkLimit = reader != null ? reader.indexOffset() : size - (size % BLOCK);
        long endMarker = walk(file, ch, walkLimit, members, problems);
        if (reader != null) {
            checkTail(file, ch, reader, endMarker, problems, info);
            compareIndex(file, reader.entries(), members, problems);
        }
        return new Report(List.copyOf(problems), List.copyOf(info), List.copyOf(members));
    }

    /**
     * Walks tar headers from offset 0 up to {@code limit}; returns the offset of the end marker, or -1.
     */
    private static long walk(String file, Bytes ch, long limit, List<IndexEntry> members, List<String> problems)
            throws IOException {
        Map<String, Long> seen = new HashMap<>();
        long pos = 0;
        String pendingName = null;
        Long pendingSize = null;
        while (pos + BLOCK <= limit) {
            byte[] h = read(ch, pos, BLOCK);
            if (isZero(h)) {
                if (pos + 2L * BLOCK > limit || !isZero(read(ch, pos + BLOCK, BLOCK))) {
                    problems.add(file + ": a single zero block at offset " + pos
                            + " is not followed by a second one (tar end marker must be two zero blocks)");
                    return -1;
                }
                if (pendingName != null || pendingSize != null) {
                    problems.add(file + ": extended header before offset " + pos + " is not followed by a member");
                }
                return pos;
            }
            if (!checksumOk(h)) {
                problems.add(file + ": bad tar header checksum at offset " + pos
                        + " (not a tar header: garbage or an overlapping write)");
                return -1;
            }
            long size = pendingSize != null ? pendingSize : parseNumber(h, 124, 12);
            char type = (char) h[156];
            long data = pos + BLOCK;
            if (size < 0 || data + IndexCodec.padded(size) > limit) {
                problems.add(file + ": tar header at offset " + pos + " declares size " + size
                        + ", running past offset " + limit);
                return -1;
            }
            switch (type) {
                case 'x', 'L' -> {
                    if (size > MAX_EXTENDED_HEADER) {
                        problems.add(file + ": extended header at offset " + pos + " of " + size + " bytes is absurd");
                        return -1;
                    }
                    byte[] payload = read(ch, data, (int) size);
                    if (type == 'L') {
                        pendingName = cString(payload, 0, payload.length);
                    } else {
                        Map<String, String> pax = parsePax(payload);
                        if (pax == null) {
                            problems.add(file + ": malformed PAX extended header at offset " + pos);
                            return -1;
                        }
                        if (pax.containsKey("path")) {
                            pendingName = pax.get("path");
                        }
                        if (pax.containsKey("size")) {
                            try {
                                pendingSize = Long.parseLong(pax.get("size"));
                            } catch (NumberFormatException e) {
                                problems.add(file + ": PAX size '" + pax.get("size") + "' at offset " + pos);
                                return -1;
                            }
                        }
                    }
                }
                case 'g' -> problems.add(file + ": global PAX header at offset " + pos + " (never written by ncore)");
                case '0', '\0' -> {
                    String name = pendingName != null ? pendingName : ustarName(h);
                    Long previous = seen.putIfAbsent(name, data);
                    if (previous != null) {
                        problems.add(file + ": duplicate member '" + name + "' at offset " + data
                                + " (first at offset " + previous + "): dead space");
                    }
                    members.add(new IndexEntry(name, data, size));
                    checkPaddingZero(file, ch, name, data, size, problems);
                    pendingName = null;
                    pendingSize = null;
                }
                default -> {
                    problems.add(file + ": member '" + ustarName(h) + "' at offset " + pos + " has tar type '" + type
                            + "', expected a regular file");
                    pendingName = null;
                    pendingSize = null;
                }
            }
            pos = data + IndexCodec.padded(size);
        }
        problems.add(file + ": no tar end marker (two zero blocks) before offset " + limit);
        return -1;
    }

    private static void checkPaddingZero(String file, Bytes ch, String name, long data, long size,
            List<String> problems) throws IOException {
        int pad = (int) (IndexCodec.padded(size) - size);
        if (pad > 0 && !isZero(read(ch, data + size, pad))) {
            problems.add(file + ": non-zero bytes in the padding after member '" + name + "' at offset "
                    + (data + size));
        }
    }

    private static void checkTail(String file, Bytes ch, IndexedTarReader reader, long endMarker,
            List<String> problems, List<Notice> info) throws IOException {
        long indexOffset = reader.indexOffset();
        long size = reader.fileSize();
        if (endMarker >= 0) {
            long gapStart = endMarker + 2L * BLOCK;
            long gap = indexOffset - gapStart;
            if (gap < 0) {
                problems.add(file + ": index at offset " + indexOffset + " overlaps the tar end marker at offset "
                        + endMarker);
            } else if (gap > 0) {
                long bad = firstNonZero(ch, gapStart, gap);
                if (bad >= 0) {
                    problems.add(file + ": non-zero byte at offset " + bad + " in the " + gap
                            + "-byte gap between the tar end marker and the index at offset " + indexOffset);
                } else {
                    info.add(new Notice(file + ": " + gap + " zero bytes after the tar end-of-archive blocks, at offset "
                            + gapStart + " (length " + gap + "), before the index at offset " + indexOffset
                            + ": belong to no member (Python's tarfile pads to its 10240-byte record size)",
                            gapStart, gap));
                }
            }
        }
        long indexEnd = indexOffset + reader.indexSize();
        long headerOffset = size - BLOCK;
        if (IndexCodec.padded(indexEnd) != headerOffset) {
            problems.add(file + ": " + (headerOffset - IndexCodec.padded(indexEnd)) + " bytes between the index"
                    + " padding (ends at offset " + IndexCodec.padded(indexEnd) + ") and the header block at offset "
                    + headerOffset + " belong to nothing");
        }
        long bad = firstNonZero(ch, indexEnd, headerOffset - indexEnd);
        if (bad >= 0) {
            problems.add(file + ": non-zero byte at offset " + bad + " after the index (ends at offset " + indexEnd
                    + "), before the header block at offset " + headerOffset);
        }
        bad = firstNonZero(ch, headerOffset + IndexHeader.LENGTH, BLOCK - IndexHeader.LENGTH);
        if (bad >= 0) {
            problems.add(file + ": non-zero byte at offset " + bad + " in the header block after its 20 bytes");
        }
    }

    private static void compareIndex(String file, List<IndexEntry> index, List<IndexEntry> members,
            List<String> problems) {
        Map<String, IndexEntry> indexByKey = new HashMap<>();
        for (IndexEntry e : index) {
            indexByKey.put(e.key(), e);
        }
        Map<String, List<IndexEntry>> membersByKey = new HashMap<>();
        for (IndexEntry m : members) {
            membersByKey.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m);
            if (!indexByKey.containsKey(m.key())) {
                problems.add(file + ": member '" + m.key() + "' at offset " + m.offset() + " is not in the index");
            }
        }
        for (IndexEntry e : index) {
            List<IndexEntry> same = membersByKey.get(e.key());
            if (same == null) {
                problems.add(file + ": index lists '" + e.key() + "' at offset " + e.offset()
                        + ", which is not a tar member");
            } else if (!same.contains(e)) {
                IndexEntry m = same.get(0);
                problems.add(file + ": index says '" + e.key() + "' is at offset " + e.offset() + " size " + e.size()
                        + ", but the tar member is at offset " + m.offset() + " size " + m.size());
            }
        }
    }

    // ---- tar header fields -------------------------------------------------------------------

    private static boolean checksumOk(byte[] h) {
        long stored = parseNumber(h, 148, 8);
        long unsigned = 0;
        for (int i = 0; i < BLOCK; i++) {
            unsigned += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        }
        return stored == unsigned;
    }

    private static String ustarName(byte[] h) {
        String name = cString(h, 0, 100);
        boolean ustar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
        if (ustar && h[345] != 0) {
            return cString(h, 345, 155) + "/" + name;
        }
        return name;
    }

    private static String cString(byte[] b, int from, int max) {
        int end = from;
        while (end < from + max && b[end] != 0) {
            end++;
        }
        return new String(b, from, end - from, StandardCharsets.UTF_8);
    }

    /** Octal (NUL/space terminated, possibly space-led) or base-256 number; -1 if malformed. */
    static long parseNumber(byte[] h, int from, int len) {
        if ((h[from] & 0x80) != 0) {
            long v = h[from] & 0x7f;
            for (int i = from + 1; i < from + len; i++) {
                if (v >>> 55 != 0) {
                    return -1;
                }
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        long v = 0;
        int i = from;
        while (i < from + len && h[i] == ' ') {
            i++;
        }
        boolean any = false;
        for (; i < from + len; i++) {
            byte c = h[i];
            if (c == 0 || c == ' ') {
                break;
            }
            if (c < '0' || c > '7' || v >>> 60 != 0) {
                return -1;
            }
            v = v * 8 + (c - '0');
            any = true;
        }
        return any ? v : 0;
    }

    /** PAX records "LEN key=value\n"; null if malformed. */
    private static Map<String, String> parsePax(byte[] p) {
        Map<String, String> out = new HashMap<>();
        int pos = 0;
        while (pos < p.length) {
            if (p[pos] == 0) {
                break; // trailing NULs
            }
            int sp = pos;
            long len = 0;
            while (sp < p.length && p[sp] >= '0' && p[sp] <= '9' && len < Integer.MAX_VALUE) {
                len = len * 10 + (p[sp] - '0');
                sp++;
            }
            if (sp >= p.length || p[sp] != ' ' || len <= sp - pos + 1 || pos + len > p.length
                    || p[(int) (pos + len - 1)] != '\n') {
                return null;
            }
            int end = (int) (pos + len - 1);
            int eq = sp + 1;
            while (eq < end && p[eq] != '=') {
                eq++;
            }
            if (eq >= end) {
                return null;
            }
            out.put(new String(p, sp + 1, eq - sp - 1, StandardCharsets.UTF_8),
                    new String(p, eq + 1, end - eq - 1, StandardCharsets.UTF_8));
            pos = (int) (pos + len);
        }
        return out;
    }

    // ---- byte access ------------------------------------------------------------------------

    /** The source as the walk sees it: reads past the end give zeros, so damage is reported, not thrown. */
    private static final class Bytes {
        private final ByteSource source;
        private final long size;

        Bytes(ByteSource source) throws IOException {
            this.source = source;
            this.size = source.size();
        }
    }

    private static byte[] read(Bytes ch, long offset, int length) throws IOException {
        byte[] out = new byte[length];
        long available = Math.min(length, ch.size - offset);
        if (available > 0) {
            System.arraycopy(ch.source.read(offset, (int) available), 0, out, 0, (int) available);
        }
        return out;
    }

    private static long firstNonZero(Bytes ch, long offset, long length) throws IOException {
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            int n = (int) Math.min(1 << 20, end - pos);
            byte[] b = read(ch, pos, n);
            for (int i = 0; i < n; i++) {
                if (b[i] != 0) {
                    return pos + i;
                }
            }
            pos += n;
        }
        return -1;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
