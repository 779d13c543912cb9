package dev.itar.archive;

/** One archive member as the index lists it: key, absolute byte offset of its payload, payload length. */
public record IndexEntry(String key, long offset, long size) {
    public IndexEntry {
        if (key == null) {
            throw new IllegalArgumentException("index entry key must not be null");
        }
        if (offset < 0 || size < 0) {
            throw new IllegalArgumentException("index entry '" + key + "': negative offset or size");
        }
    }

    /** First byte after the payload. */
    public long end() {
        return offset + size;
    }
}
