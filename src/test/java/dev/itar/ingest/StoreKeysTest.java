package dev.itar.ingest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.itar.frames.CameraFrame;
import dev.itar.frames.TypedArray;
import dev.itar.ingest.StateRecords.FrameRecord;
import dev.itar.ingest.StateRecords.RecordingHeader;
import dev.itar.ncore.EncodedFrame;
import dev.itar.ncore.FrameEncoder;

import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreKeysTest {

    @Test
    void frameKeysSortByComponentSensorThenNumericT1() {
        List<Bytes> keys = new ArrayList<>(List.of(
                StoreKeys.frame("r", "lidars", "top", 5),
                StoreKeys.frame("r", "cameras", "cam0-b", 1),
                StoreKeys.frame("r", "cameras", "cam0", 1000),
                StoreKeys.frame("r", "cameras", "cam0", 999),
                StoreKeys.frame("r", "cameras", "cam0", Long.MAX_VALUE)));
        Collections.sort(keys); // Bytes order = RocksDB's unsigned lexicographic order
        assertThat(keys).containsExactly(
                StoreKeys.frame("r", "cameras", "cam0", 999),
                StoreKeys.frame("r", "cameras", "cam0", 1000),
                StoreKeys.frame("r", "cameras", "cam0", Long.MAX_VALUE),
                StoreKeys.frame("r", "cameras", "cam0-b", 1),
                StoreKeys.frame("r", "lidars", "top", 5));
    }

    @Test
    void chunkKeysSortAsTheirZarrKeysAndRoundTrip() {
        List<String> zarr = new ArrayList<>(List.of("cameras/c/frames/1000/image/c", "cameras/c/frames/999/image/c",
                "cameras/c/frames/1000/generic_data/x/c/0", "cameras/c-2/frames/1/image/c"));
        List<Bytes> keys = new ArrayList<>(zarr.stream().map(z -> StoreKeys.chunk("rec", z)).toList());
        Collections.sort(keys);
        Collections.sort(zarr);
        assertThat(keys.stream().map(StoreKeys::zarrKey).toList()).isEqualTo(zarr);
        assertThat(keys.stream().map(StoreKeys::recordingId).distinct().toList()).containsExactly("rec");
    }

    @Test
    void aRecordingsRangeHoldsOnlyItsOwnKeys() {
        StoreKeys.Range a = StoreKeys.recordingRange("a");
        for (Bytes inside : List.of(StoreKeys.header("a"), StoreKeys.chunk("a", "x/c"),
                StoreKeys.frame("a", "cameras", "z", 1), StoreKeys.intrinsics("a", "lidar", "top"))) {
            assertThat(inside.compareTo(a.from()) >= 0 && inside.compareTo(a.to()) <= 0).as(inside.toString()).isTrue();
        }
        for (Bytes outside : List.of(StoreKeys.header("a.b"), StoreKeys.chunk("a-b", "x"), StoreKeys.header("ab"),
                StoreKeys.header("A"), StoreKeys.STREAM_TIME)) {
            assertThat(outside.compareTo(a.from()) >= 0 && outside.compareTo(a.to()) <= 0).as(outside.toString())
                    .isFalse();
        }
        assertThat(StoreKeys.isHeader(StoreKeys.header("a"))).isTrue();
        assertThat(StoreKeys.isHeader(StoreKeys.frame("a", "cameras", "z", 1))).isFalse();
        assertThat(StoreKeys.afterRecording("a").compareTo(StoreKeys.chunk("a", "zzz"))).isPositive();
        assertThat(StoreKeys.afterRecording("a").compareTo(StoreKeys.header("a.b"))).isNegative();
    }

    @Test
    void negativeTimesCannotBeKeys() {
        assertThatThrownBy(() -> StoreKeys.pad(-1)).hasMessageContaining("-1");
        assertThat(StoreKeys.pad(42)).isEqualTo("00000000000000000042");
    }

    @Test
    void stateRecordsRoundTripThroughCborToEqualValuesAndBytes() {
        EncodedFrame f = new FrameEncoder().encode(new CameraFrame("cam0", 1, 2, "jpeg", new byte[] {1, 2, 3},
                JsonNodeFactory.instance.objectNode().put("a", 1).put("b", 2.5),
                new TreeMap<>(java.util.Map.of("d", new TypedArray("float32", new long[] {2}, new byte[8])))));
        FrameRecord r = new FrameRecord("ab", f.entry());
        byte[] bytes = StateRecords.encode(r);
        FrameRecord back = StateRecords.decode(bytes, FrameRecord.class);
        assertThat(back).isEqualTo(r);
        assertThat(StateRecords.encode(back)).isEqualTo(bytes);

        RecordingHeader h = RecordingHeader.opened(5).seen(3).accepted("camera").accepted("camera").duplicate()
                .started("seq", JsonNodeFactory.instance.objectNode().put("k", "v"), "sha").ended(9L);
        RecordingHeader hb = StateRecords.decode(StateRecords.encode(h), RecordingHeader.class);
        assertThat(hb).isEqualTo(h);
        assertThat(hb.firstTimestamp()).isEqualTo(3);
        assertThat(hb.lastTimestamp()).isEqualTo(5);
        assertThat(hb.records()).containsEntry("camera", 2L);
        assertThat(hb.sequenceHeader("rec").endT()).hasValue(9);
    }
}
