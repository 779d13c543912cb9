package dev.itar.frames;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * WireDecoder must answer every byte sequence with a Frame or an InvalidRecordException, never
 * another exception (which would stop a stream task instead of dead-lettering the record).
 * A normal test run replays only the seed corpus in
 * {@code src/test/resources/dev/itar/frames/WireDecoderFuzzTestInputs/decodeOnlyThrowsInvalidRecord}
 * (regression mode); fuzz for real with {@code JAZZER_FUZZ=1}.
 */
class WireDecoderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void decodeOnlyThrowsInvalidRecord(byte[] value) {
        try {
            Frame frame = WireDecoder.decode("fuzz-1", value);
            // anything accepted must survive a round trip: the encoder/decoder pair is consistent
            Frame again = WireDecoder.decode("fuzz-1", WireEncoder.encode(frame));
            if (!again.equals(frame)) {
                throw new AssertionError("round trip changed " + frame + " into " + again);
            }
        } catch (InvalidRecordException expected) {
            if (expected.reason().isEmpty() || expected.code().isEmpty()) {
                throw new AssertionError("rejection without a reason", expected);
            }
        }
    }
}
