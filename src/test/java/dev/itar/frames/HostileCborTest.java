package dev.itar.frames;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Malformed and malicious record values: each must end in InvalidRecordException, quickly. */
class HostileCborTest {
    private static final HexFormat HEX = HexFormat.of();

    static InvalidRecordException reject(byte[] value) {
        InvalidRecordException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> catchThrowableOfType(InvalidRecordException.class, () -> WireDecoder.decode("r1", value)));
        assertThat(e).as("value %s should be rejected", HEX.formatHex(value, 0, Math.min(value.length, 64))).isNotNull();
        return e;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** {"v":1,"type":"end","t": <item>} with the raw CBOR item spliced in. */
    static byte[] endWithT(byte[] item) {
        return concat(HEX.parseHex("a3" + "6176" + "01" + "6474797065" + "63656e64" + "6174"), item);
    }

    @Test
    void handWrittenEndDecodes() throws Exception {
        assertThat(WireDecoder.decode("r1", endWithT(HEX.parseHex("1907d0")))).isEqualTo(
                new EndFrame(java.util.OptionalLong.of(2000)));
    }

    @Test
    void everyTruncationIsRejected() {
        byte[] value = TestCbor.encode(TestRecords.lidar());
        for (int length = 0; length < value.length; length++) {
            InvalidRecordException e = reject(Arrays.copyOf(value, length));
            assertThat(e.code()).as("prefix of %d bytes: %s", length, e.reason()).isEqualTo("bad-cbor");
        }
        assertThat(reject(new byte[0]).reason()).contains("empty");
        assertThat(reject(Arrays.copyOf(value, value.length - 3)).reason()).contains("truncated");
    }

    @Test
    void notAMap() {
        assertThat(reject(TestCbor.encode(java.util.List.of(1, 2))).reason()).contains("must be one CBOR map", "array");
        assertThat(reject(HEX.parseHex("01")).reason()).contains("unsigned integer");
        assertThat(reject(HEX.parseHex("6161")).reason()).contains("text string");
        assertThat(reject(HEX.parseHex("f6")).code()).isEqualTo("bad-cbor");
    }

    @Test
    void tenThousandNestedArraysAreRejectedByDepth() {
        byte[] definite = new byte[10_000 + 4];
        byte[] prefix = HEX.parseHex("a16178");
        System.arraycopy(prefix, 0, definite, 0, 3);
        Arrays.fill(definite, 3, 3 + 10_000, (byte) 0x81);
        definite[definite.length - 1] = 0x00;
        InvalidRecordException e = reject(definite);
        assertThat(e.code()).isEqualTo("too-large");
        assertThat(e.reason()).contains("deeper than the limit of " + WireDecoder.MAX_DEPTH);

        byte[] indefinite = new byte[3 + 10_000];
        System.arraycopy(prefix, 0, indefinite, 0, 3);
        Arrays.fill(indefinite, 3, indefinite.length, (byte) 0x9F);
        assertThat(reject(indefinite).code()).isEqualTo("too-large");

        byte[] maps = new byte[1 + 10_000 * 2];
        for (int i = 0; i < 10_000; i++) {
            maps[2 * i] = (byte) 0xA1;
            maps[2 * i + 1] = 0x60; // key ""
        }
        assertThat(reject(maps).code()).isEqualTo("too-large");
    }

    @Test
    void nestingJustBelowTheLimitIsFine() throws Exception {
        // meta value nested: record map (1) + meta map (2) + 62 arrays = depth 64
        byte[] value = concat(HEX.parseHex("a3" + "6176" + "01" + "6474797065" + "657374617274" + "646d657461"
                + "a1" + "6178"), repeat((byte) 0x81, 62), HEX.parseHex("01"));
        StartFrame f = (StartFrame) WireDecoder.decode("r1", value);
        assertThat(f.meta().get("x").get(0).isArray()).isTrue();
        byte[] tooDeep = concat(HEX.parseHex("a3" + "6176" + "01" + "6474797065" + "657374617274" + "646d657461"
                + "a1" + "6178"), repeat((byte) 0x81, 63), HEX.parseHex("01"));
        assertThat(reject(tooDeep).code()).isEqualTo("too-large");
    }

    static byte[] repeat(byte b, int count) {
        byte[] out = new byte[count];
        Arrays.fill(out, b);
        return out;
    }

    @Test
    void hugeDeclaredLengthsFailFastWithoutAllocating() {
        // a byte string claiming 2^62 bytes inside a 20-byte record
        byte[] bytes = endWithT(HEX.parseHex("5b4000000000000000"));
        assertThat(bytes.length).isLessThanOrEqualTo(24);
        InvalidRecordException e = reject(bytes);
        assertThat(e.code()).isEqualTo("bad-cbor");
        assertThat(e.reason()).contains("declares 4611686018427387904", "truncated");

        assertThat(reject(endWithT(HEX.parseHex("7bffffffffffffffff"))).reason()).contains("18446744073709551615");
        assertThat(reject(endWithT(HEX.parseHex("9b4000000000000000"))).reason()).contains("entries");
        assertThat(reject(endWithT(HEX.parseHex("bb4000000000000000"))).reason()).contains("entries");
        assertThat(reject(endWithT(HEX.parseHex("5a7fffffff00"))).reason()).contains("2147483647");
        // chunked string whose chunk lies
        assertThat(reject(endWithT(HEX.parseHex("5f5b4000000000000000ff"))).code()).isEqualTo("bad-cbor");
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] valid = TestCbor.encode(TestRecords.end());
        for (String tail : new String[] {"00", "ff", "a0", "deadbeef"}) {
            InvalidRecordException e = reject(concat(valid, HEX.parseHex(tail)));
            assertThat(e.code()).isEqualTo("bad-cbor");
            assertThat(e.reason()).contains("trailing");
        }
        // two complete records back to back
        assertThat(reject(concat(valid, valid)).reason()).contains(valid.length + " trailing bytes");
    }

    @Test
    void duplicateKeysAreRejected() {
        byte[] value = HEX.parseHex("a3" + "6176" + "01" + "6474797065" + "63656e64" + "6176" + "01");
        InvalidRecordException e = reject(value);
        assertThat(e.code()).isEqualTo("bad-cbor");
        assertThat(e.reason()).containsIgnoringCase("duplicate").contains("'v'");
        // duplicates nested in meta, too
        byte[] meta = HEX.parseHex("a3" + "6176" + "01" + "6474797065" + "657374617274" + "646d657461"
                + "a2" + "6161" + "01" + "6161" + "02");
        assertThat(reject(meta).reason()).containsIgnoringCase("duplicate");
    }

    @Test
    void wrongScalarTypes() {
        assertThat(reject(endWithT(HEX.parseHex("20"))).reason()).contains("end field 't'", "negative integer -1");
        assertThat(reject(endWithT(HEX.parseHex("fb40a0000000000000"))).reason()).contains("end field 't'", "float");
        assertThat(reject(endWithT(HEX.parseHex("f93c00"))).reason()).contains("end field 't'", "float");
        assertThat(reject(endWithT(HEX.parseHex("f5"))).reason()).contains("end field 't'", "boolean");
        assertThat(reject(endWithT(HEX.parseHex("f6"))).reason()).contains("end field 't'", "null");
        assertThat(reject(endWithT(HEX.parseHex("4401020304"))).reason()).contains("end field 't'", "byte string");
        // a negative integer below int64
        assertThat(reject(endWithT(HEX.parseHex("3bffffffffffffffff"))).reason()).contains("end field 't'");
    }

    @Test
    void textWhereBytesExpected() {
        Map<String, Object> r = TestRecords.pose();
        r.put("matrix", "identity");
        InvalidRecordException e = reject(TestCbor.encode(r));
        assertThat(e.code()).isEqualTo("wrong-type");
        assertThat(e.reason()).contains("pose field 'matrix'", "byte string", "text 'identity'");
    }

    @Test
    void tagsAreRejected() {
        // tag 1 (epoch time) around t, and a bignum (tag 2) that Jackson would turn into a number
        assertThat(reject(endWithT(HEX.parseHex("c11907d0"))).reason()).contains("tag 1");
        assertThat(reject(endWithT(HEX.parseHex("c24207d0"))).reason()).contains("tag 2");
    }

    @Test
    void undefinedAndOtherSimpleValuesAreRejected() {
        assertThat(reject(endWithT(HEX.parseHex("f7"))).reason()).contains("undefined");
        assertThat(reject(endWithT(HEX.parseHex("f0"))).reason()).contains("simple value");
        assertThat(reject(endWithT(HEX.parseHex("f820"))).reason()).contains("simple value");
        assertThat(reject(endWithT(HEX.parseHex("1c"))).reason()).contains("reserved");
        assertThat(reject(endWithT(HEX.parseHex("ff"))).reason()).contains("break");
    }

    @Test
    void nonTextKeysAreRejected() {
        // {1: 1, "type": "end"}: Jackson would silently read key 1 as "1"
        byte[] value = HEX.parseHex("a2" + "01" + "01" + "6474797065" + "63656e64");
        InvalidRecordException e = reject(value);
        assertThat(e.reason()).contains("map key", "unsigned integer", "text strings");
        assertThat(reject(HEX.parseHex("a1" + "4176" + "01")).reason()).contains("byte string");
    }

    @Test
    void invalidUtf8IsRejected() {
        byte[] value = HEX.parseHex("a2" + "6176" + "01" + "6474797065" + "63ff656e");
        assertThat(reject(value).reason()).contains("UTF-8");
    }

    @Test
    void indefiniteLengthsAreAcceptedWhenWellFormed() throws Exception {
        // {_ "v": 1, "type": (_ "e" "nd"), "t": 5}
        byte[] value = HEX.parseHex("bf" + "6176" + "01" + "6474797065" + "7f6165626e64ff" + "6174" + "05" + "ff");
        assertThat(WireDecoder.decode("r1", value)).isEqualTo(new EndFrame(java.util.OptionalLong.of(5)));
        // chunk of the wrong major type inside an indefinite text string
        byte[] bad = HEX.parseHex("bf" + "6176" + "01" + "6474797065" + "7f4165626e64ff" + "ff");
        assertThat(reject(bad).reason()).contains("invalid chunk");
        // map that ends after a key
        assertThat(reject(HEX.parseHex("bf" + "6176" + "ff")).reason()).contains("key without a value");
    }

    @Test
    void oversizedRecordIsRejectedBeforeParsing() {
        byte[] value = new byte[WireDecoder.MAX_RECORD_BYTES + 1];
        value[0] = (byte) 0xA0;
        InvalidRecordException e = reject(value);
        assertThat(e.code()).isEqualTo("too-large");
        assertThat(e.reason()).contains(String.valueOf(WireDecoder.MAX_RECORD_BYTES));
    }
}
