package dev.itar.frames;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CBOR spells one number several ways; a decoded map must not depend on which spelling a producer chose, or two
 * equal records would decode to unequal frames (found by WireDecoderFuzzTest: a uint64-wide 0 in intrinsics).
 */
class CanonicalNumbersTest {

    private static byte[] start(Object a, Object f) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("a", a);
        meta.put("f", f);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("v", 1);
        record.put("type", "start");
        record.put("meta", meta);
        return TestCbor.encode(record);
    }

    /** Re-spells the one-byte integer 23 stored under key "a" as a uint64 (head 0x1b, eight bytes). */
    private static byte[] widenA(byte[] cbor) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean done = false;
        for (int i = 0; i < cbor.length; i++) {
            if (!done && i >= 2 && cbor[i - 2] == 0x61 && cbor[i - 1] == 'a' && cbor[i] == 0x17) {
                out.writeBytes(new byte[] {0x1b, 0, 0, 0, 0, 0, 0, 0, 0x17});
                done = true;
            } else {
                out.write(cbor[i]);
            }
        }
        assertThat(done).as("found the value to widen").isTrue();
        return out.toByteArray();
    }

    @Test
    void integerWidthDoesNotChangeTheDecodedFrame() throws Exception {
        byte[] narrow = start(23, 1.5);
        byte[] wide = widenA(narrow);
        assertThat(wide).isNotEqualTo(narrow);
        assertThat(WireDecoder.decode("rec-1", wide)).isEqualTo(WireDecoder.decode("rec-1", narrow));
    }

    @Test
    void floatWidthDoesNotChangeTheDecodedFrame() throws Exception {
        Frame single = WireDecoder.decode("rec-1", start(23, 1.5f));
        Frame dbl = WireDecoder.decode("rec-1", start(23, 1.5d));
        assertThat(single).isEqualTo(dbl);
        assertThat(((StartFrame) single).meta().get("f").isDouble()).isTrue();
    }

    @Test
    void theFuzzFindingRoundTrips() throws Exception {
        byte[] wide = widenA(start(23, 0.25));
        Frame frame = WireDecoder.decode("rec-1", wide);
        assertThat(WireDecoder.decode("rec-1", WireEncoder.encode(frame))).isEqualTo(frame);
    }
}
