package dev.itar.ingest;

import dev.itar.frames.Frame;
import dev.itar.frames.InvalidRecordException;
import dev.itar.frames.SensorFrame;
import dev.itar.frames.WireDecoder;
import dev.itar.ncore.EncodedFrame;
import dev.itar.ncore.FrameEncoder;

/**
 * Turns a frame's changelog value that names its input record ({@link SegmentItems.FrameAt}) back into the frame
 * item the live path appended: the record is read again from the frames topic, checked against the length and
 * CRC-32C the changelog keeps, decoded and encoded. Decoding and encoding are deterministic, so a restore appends
 * the same bytes as the instance that first took the record.
 */
final class ReferencedFrames implements AutoCloseable {
    /** The values of the frames topic, by partition and offset. */
    @FunctionalInterface
    interface InputRecords {
        /**
         * @throws org.apache.kafka.streams.errors.ProcessorStateException if the record cannot be read (deleted by
         *                                                                 retention, broker unreachable past a timeout)
         */
        byte[] valueAt(int partition, long offset);
    }

    private final InputRecords input;
    private final FrameEncoder encoder = new FrameEncoder();

    ReferencedFrames(InputRecords input) {
        this.input = input;
    }

    /** The frame item (entry and chunks) of the input record {@code at} names, for segment {@code key}. */
    byte[] frameItem(SegmentKey key, SegmentItems.FrameAt at, String what) {
        byte[] value = input.valueAt(at.partition(), at.offset());
        String where = "the input record at partition " + at.partition() + ", offset " + at.offset();
        if (value == null || value.length != at.length() || RecordFingerprint.crc32c(value) != at.crc32c()) {
            throw new StateFormatException(what + ": " + where + " is not the record the changelog names ("
                    + (value == null ? "no value" : value.length + " bytes with CRC-32C "
                    + Integer.toHexString(RecordFingerprint.crc32c(value))) + ", expected " + at.length()
                    + " bytes with CRC-32C " + Integer.toHexString(at.crc32c()) + "); was the frames topic "
                    + "recreated while the recording was open?");
        }
        Frame frame;
        try {
            frame = WireDecoder.decode(key.recordingId(), value);
        } catch (InvalidRecordException e) {
            throw new StateFormatException(what + ": " + where + " no longer decodes: " + e.reason());
        }
        if (!(frame instanceof SensorFrame f)) {
            throw new StateFormatException(what + ": " + where + " is a " + frame.type() + " record, not a frame");
        }
        EncodedFrame encoded = encoder.encode(f);
        return SegmentItems.frame(encoded.entry(), encoded.chunks());
    }

    /** Closes the input if it holds resources (the frames topic's consumer). */
    @Override
    public void close() throws Exception {
        if (input instanceof AutoCloseable c) {
            c.close();
        }
    }
}
