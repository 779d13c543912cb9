package dev.itar.ingest;

import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreKeysTest {

    @Test
    void frameKeysSortBySegmentComponentSensorThenNumericT1() {
        List<Bytes> keys = new ArrayList<>(List.of(
                StoreKeys.frame("r", 1, "cameras", "cam0", 1),
                StoreKeys.frame("r", 0, "lidars", "top", 5),
                StoreKeys.frame("r", 0, "cameras", "cam0-b", 1),
                StoreKeys.frame("r", 0, "cameras", "cam0", 1000),
                StoreKeys.frame("r", 0, "cameras", "cam0", 999),
                StoreKeys.frame("r", 0, "cameras", "cam0", Long.MAX_VALUE)));
        Collections.sort(keys); // Bytes order = RocksDB's unsigned lexicographic order
        assertThat(keys).containsExactly(
                StoreKeys.frame("r", 0, "cameras", "cam0", 999),
                StoreKeys.frame("r", 0, "cameras", "cam0", 1000),
                StoreKeys.frame("r", 0, "cameras", "cam0", Long.MAX_VALUE),
                StoreKeys.frame("r", 0, "cameras", "cam0-b", 1),
                StoreKeys.frame("r", 0, "lidars", "top", 5),
                StoreKeys.frame("r", 1, "cameras", "cam0", 1));
        assertThat(StoreKeys.frameSensor(keys.get(3))).containsExactly("cameras", "cam0-b");
    }

    @Test
    void aSegmentsRangeHoldsOnlyItsOwnFingerprints() {
        StoreKeys.Range seg1 = StoreKeys.segmentRange("a", StoreKeys.FRAME, 1);
        assertThat(inside(StoreKeys.frame("a", 1, "cameras", "z", 1), seg1)).isTrue();
        assertThat(inside(StoreKeys.frame("a", 0, "cameras", "z", 1), seg1)).isFalse();
        assertThat(inside(StoreKeys.frame("a", 10, "cameras", "z", 1), seg1)).isFalse();
        assertThat(inside(StoreKeys.pose("a", 1, "rig", "world", 1), seg1)).isFalse();
        assertThat(inside(StoreKeys.pose("a", 1, "rig", "world", 1), StoreKeys.segmentRange("a", StoreKeys.POSE, 1)))
                .isTrue();
        StoreKeys.Range cuboids1 = StoreKeys.segmentRange("a", StoreKeys.CUBOID, 1);
        assertThat(inside(StoreKeys.cuboid("a", 1, "default", "car\u0000x", 5, "cam0"), cuboids1)).isTrue();
        assertThat(inside(StoreKeys.cuboid("a", 0, "default", "car", 5, "cam0"), cuboids1)).isFalse();
        assertThat(inside(StoreKeys.cuboid("a", 1, "default", "car", 5, "cam0"), seg1)).isFalse();
    }

    @Test
    void aTrackIdOfAnyTextIsOneKeyPartSoDistinctIdentitiesHaveDistinctKeys() {
        // free text may hold the separator byte; as hex it cannot run into the next part
        assertThat(StoreKeys.cuboid("a", 0, "d", "x\u0000", 5, "cam0"))
                .isNotEqualTo(StoreKeys.cuboid("a", 0, "d", "x", 5, "\u0000cam0"));
        assertThat(StoreKeys.hex("é/\u0000")).isEqualTo("c3a92f00");
        assertThat(UnsealedArchiveStore.cuboidItem(TestRecordings.cuboidFrame("i", "a/b", 7, "c")))
                .isNotEqualTo(UnsealedArchiveStore.cuboidItem(TestRecordings.cuboidFrame("i", "a", 7, "b/c")));
    }

    @Test
    void aRecordingsRangeHoldsOnlyItsOwnKeys() {
        StoreKeys.Range a = StoreKeys.recordingRange("a");
        for (Bytes k : List.of(StoreKeys.header("a"), StoreKeys.frame("a", 0, "cameras", "z", 1),
                StoreKeys.pose("a", 3, "rig", "world", 9), StoreKeys.intrinsics("a", "lidar", "top"),
                StoreKeys.componentMeta("a", "cameras", "cam0"), StoreKeys.cameraMasks("a", "default", "cam0"),
                StoreKeys.cuboid("a", 2, "default", "car", 9, "cam0"))) {
            assertThat(inside(k, a)).as(k.toString()).isTrue();
        }
        for (Bytes k : List.of(StoreKeys.header("a.b"), StoreKeys.frame("a-b", 0, "cameras", "x", 1),
                StoreKeys.header("ab"), StoreKeys.header("A"), StoreKeys.STREAM_TIME)) {
            assertThat(inside(k, a)).as(k.toString()).isFalse();
        }
        assertThat(StoreKeys.isHeader(StoreKeys.header("a"))).isTrue();
        assertThat(StoreKeys.isHeader(StoreKeys.frame("a", 0, "cameras", "z", 1))).isFalse();
        assertThat(StoreKeys.recordingId(StoreKeys.frame("a.b", 0, "cameras", "z", 1))).isEqualTo("a.b");
        assertThat(StoreKeys.afterRecording("a").compareTo(StoreKeys.intrinsics("a", "lidar", "zzz"))).isPositive();
        assertThat(StoreKeys.afterRecording("a").compareTo(StoreKeys.header("a.b"))).isNegative();
    }

    private static boolean inside(Bytes key, StoreKeys.Range r) {
        return key.compareTo(r.from()) >= 0 && key.compareTo(r.to()) <= 0;
    }

    @Test
    void negativeTimesCannotBeKeys() {
        assertThatThrownBy(() -> StoreKeys.pad(-1)).hasMessageContaining("-1");
        assertThat(StoreKeys.pad(42)).isEqualTo("00000000000000000042");
    }

    @Test
    void segmentKeysOfTheArchiveStoreRoundTrip() {
        SegmentKey k = new SegmentKey("drive.1", 70_000);
        byte[] frame = k.key(SegmentKey.FRAME, "cameras/cam0/12");
        assertThat(SegmentKey.of(frame)).isEqualTo(k);
        assertThat(SegmentKey.kind(frame)).isEqualTo(SegmentKey.FRAME);
        byte[] seal = k.key(SegmentKey.SEAL, "");
        assertThat(SegmentKey.of(seal)).isEqualTo(k);
        assertThat(SegmentKey.kind(seal)).isEqualTo(SegmentKey.SEAL);
        assertThatThrownBy(() -> SegmentKey.of(new byte[] {'x', 0, 1})).isInstanceOf(StateFormatException.class);
    }
}
