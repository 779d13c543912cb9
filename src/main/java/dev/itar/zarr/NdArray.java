package dev.itar.zarr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A whole decoded array.
 *
 * @param dtype element type
 * @param shape shape (empty for 0-d)
 * @param data elements little-endian, C order; a read-only buffer positioned at 0
 */
public record NdArray(DataType dtype, long[] shape, ByteBuffer data) {
    public NdArray {
        shape = shape.clone();
        data = data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A copy of the element bytes. */
    public byte[] bytes() {
        byte[] b = new byte[data.remaining()];
        data.duplicate().get(b);
        return b;
    }

    /** Element count. */
    public long size() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    /** For byte-string arrays: every element with its trailing NUL padding removed, in C order. */
    public List<byte[]> byteStrings() {
        if (!dtype.isBytes()) {
            throw new IllegalStateException("not a byte-string array: " + dtype);
        }
        int len = dtype.itemSize();
        byte[] all = bytes();
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < all.length; off += len) {
            int end = off + len;
            while (end > off && all[end - 1] == 0) {
                end--;
            }
            out.add(Arrays.copyOfRange(all, off, end));
        }
        return out;
    }

    @Override
    public String toString() {
        return "NdArray[" + dtype + " " + Arrays.toString(shape) + ", " + data.remaining() + " bytes]";
    }
}
