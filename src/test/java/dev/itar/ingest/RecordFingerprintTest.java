package dev.itar.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordFingerprintTest {
    private static final String WHAT = "recording-state entry of the camera frame of sensor 'cam0' of recording 'r'";

    /** The fingerprint releases before this one kept: the lowercase hex SHA-256 of the value. */
    static String legacyFingerprint(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] value(int size) {
        byte[] v = new byte[size];
        for (int i = 0; i < size; i++) {
            v[i] = (byte) (i * 31 + 7);
        }
        return v;
    }

    @Test
    void theSameBytesGiveTheSameSelfDescribingFingerprint() {
        byte[] v = value(100_003);
        String f = RecordFingerprint.of(v);
        assertThat(RecordFingerprint.of(v.clone())).isEqualTo(f);
        assertThat(f).matches("crc:186a3:[0-9a-f]{16}");
        assertThat(RecordFingerprint.of(new byte[0])).isEqualTo("crc:0:0000000000000000");
        assertThat(RecordFingerprint.matches(f, v, WHAT)).isTrue();
    }

    @Test
    void knownValuesOfBothChecksums() {
        // the standard check values of CRC-32C (e3069283) and CRC-32 (cbf43926) over "123456789"
        assertThat(RecordFingerprint.of("123456789".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("crc:9:e3069283cbf43926");
    }

    @Test
    void oneFlippedBitOrAnotherLengthGivesAnotherFingerprint() {
        byte[] v = value(4096);
        String f = RecordFingerprint.of(v);
        for (int bit : new int[] {0, 7, 4096 * 8 / 2 + 3, 4096 * 8 - 1}) {
            byte[] flipped = v.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(RecordFingerprint.of(flipped)).as("bit " + bit).isNotEqualTo(f);
            assertThat(RecordFingerprint.matches(f, flipped, WHAT)).as("bit " + bit).isFalse();
        }
        byte[] longer = Arrays.copyOf(v, v.length + 1);
        assertThat(RecordFingerprint.of(longer)).isNotEqualTo(f);
        assertThat(RecordFingerprint.matches(f, longer, WHAT)).isFalse();
        assertThat(RecordFingerprint.matches(f, Arrays.copyOf(v, v.length - 1), WHAT)).isFalse();
    }

    @Test
    void neverSpellsLikeTheLegacySha256() {
        String f = RecordFingerprint.of(value(64));
        assertThat(f).doesNotMatch("[0-9a-f]{64}");
    }

    @Test
    void aLegacySha256FingerprintMatchesItsValueAndNoOther() {
        byte[] v = value(1000);
        String legacy = legacyFingerprint(v);
        assertThat(RecordFingerprint.matches(legacy, v, WHAT)).isTrue();
        byte[] other = v.clone();
        other[500] ^= 1;
        assertThat(RecordFingerprint.matches(legacy, other, WHAT)).isFalse();
    }

    @Test
    void anUnknownSpellingIsRefusedNamingTheEntryAndTheFingerprint() {
        byte[] v = value(10);
        String upperCaseSha = legacyFingerprint(v).toUpperCase();
        for (String unknown : new String[] {"md5:0123", upperCaseSha, legacyFingerprint(v).substring(1), "",
                "crc:a:0123", "crc::0123456789abcdef", "crc:a:0123456789abcdeg", "crc:a:0123456789abcdef00"}) {
            assertThatThrownBy(() -> RecordFingerprint.matches(unknown, v, WHAT)).as(unknown)
                    .isInstanceOf(StateFormatException.class)
                    .hasMessageStartingWith(WHAT + ": record fingerprint '" + unknown + "' is neither")
                    .hasMessageContaining("damaged or was written by a newer release")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void aDamagedFingerprintIsQuotedOnOneShortLine() {
        String damaged = "x\n".repeat(500);
        assertThatThrownBy(() -> RecordFingerprint.matches(damaged, value(10), WHAT))
                .isInstanceOf(StateFormatException.class)
                .hasMessageContaining("(1000 characters)")
                .hasMessageNotContaining("\n");
    }
}
