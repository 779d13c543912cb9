package dev.itar.ncore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Splits a whole C-order array into the chunks of a regular chunk grid (edge chunks padded with zeros). */
final class ChunkGrid {
    /** One chunk: its grid index and its raw (decoded, little-endian, C order) bytes. */
    record RawChunk(long[] index, byte[] raw) {}

    private ChunkGrid() {}

    static List<RawChunk> split(byte[] data, long[] shape, long[] chunkShape, int itemSize) {
        int rank = shape.length;
        if (rank == 0) {
            return List.of(new RawChunk(new long[0], data));
        }
        long[] grid = new long[rank];
        for (int d = 0; d < rank; d++) {
            grid[d] = (shape[d] + chunkShape[d] - 1) / chunkShape[d];
            if (grid[d] == 0) {
                return List.of(); // an empty array has no chunks
            }
        }
        long[] strides = stridesOf(shape, itemSize);
        long[] chunkStrides = stridesOf(chunkShape, itemSize);
        int chunkBytes = Math.toIntExact(chunkStrides[0] * chunkShape[0]);
        // chunks spanning every dimension but the first are contiguous slabs of the C-order array: one copy each
        // (or none when one chunk is the whole array, as a 0-d array's chunk is) instead of a copy per row
        boolean slabs = data.length == strides[0] * shape[0]; // else the general path (and its errors) below
        for (int d = 1; d < rank; d++) {
            slabs &= chunkShape[d] == shape[d];
        }
        if (slabs) {
            long rowBytes = strides[0];
            if (grid[0] == 1 && chunkShape[0] == shape[0]) {
                return List.of(new RawChunk(new long[rank], data));
            }
            List<RawChunk> out = new ArrayList<>(Math.toIntExact(grid[0]));
            for (long i = 0; i < grid[0]; i++) {
                long[] idx = new long[rank];
                idx[0] = i;
                int from = Math.toIntExact(i * chunkShape[0] * rowBytes);
                // copyOfRange pads past the end with zeros, as an edge chunk is padded
                out.add(new RawChunk(idx, Arrays.copyOfRange(data, from, from + chunkBytes)));
            }
            return out;
        }
        List<RawChunk> out = new ArrayList<>();
        long[] idx = new long[rank];
        while (true) {
            byte[] raw = new byte[chunkBytes];
            long[] origin = new long[rank];
            for (int d = 0; d < rank; d++) {
                origin[d] = idx[d] * chunkShape[d];
            }
            copy(data, raw, shape, chunkShape, origin, strides, chunkStrides, 0, 0, 0);
            out.add(new RawChunk(idx.clone(), raw));
            int d = rank - 1;
            while (d >= 0 && ++idx[d] == grid[d]) {
                idx[d] = 0;
                d--;
            }
            if (d < 0) {
                return out;
            }
        }
    }

    private static void copy(byte[] src, byte[] dst, long[] shape, long[] chunkShape, long[] origin, long[] strides,
                             long[] chunkStrides, int dim, long srcOff, long dstOff) {
        long n = Math.min(chunkShape[dim], shape[dim] - origin[dim]);
        if (dim == shape.length - 1) {
            System.arraycopy(src, Math.toIntExact(srcOff + origin[dim] * strides[dim]), dst,
                    Math.toIntExact(dstOff), Math.toIntExact(n * strides[dim]));
            return;
        }
        for (long i = 0; i < n; i++) {
            copy(src, dst, shape, chunkShape, origin, strides, chunkStrides, dim + 1,
                    srcOff + (origin[dim] + i) * strides[dim], dstOff + i * chunkStrides[dim]);
        }
    }

    private static long[] stridesOf(long[] shape, int itemSize) {
        long[] s = new long[shape.length];
        long acc = itemSize;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc = Math.multiplyExact(acc, shape[d]);
        }
        return s;
    }

    static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
