package dev.itar.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.ingest.StateRecords.RecordingHeader;
import dev.itar.ncore.SealResult;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON value published on the sealed topic (key = recording id) for every archive written:
 *
 * <pre>{@code
 * {"recording_id": "drive-0001", "sequence_id": "drive-0001", "trigger": "end",
 *  "archive": "/data/archives/drive-0001.ncore4.zarr.itar", "sequence_meta": "/data/archives/drive-0001.json",
 *  "bytes": 123456, "sha256": "…", "md5": "…",
 *  "interval_start_us": 1600000000000000, "interval_stop_us": 1600000010000001,
 *  "frames_per_sensor": {"cameras/cam0": 100, "lidars/top": 100},
 *  "records": {"camera": 100, "lidar": 100, "pose": 100, "start": 1, "end": 1},
 *  "duplicates": 0, "dead_letters": 2,
 *  "first_record_timestamp_ms": 1700000000000, "last_record_timestamp_ms": 1700000012000}
 * }</pre>
 *
 * {@code trigger} is {@code end}, {@code idle-stream-time} or {@code idle-wall-clock}. Paths are absolute.
 * {@code dead_letters} counts the rejected records whose key named this recording while it was open.
 */
public final class SealedEvent {
    public static final String TRIGGER_END = "end";
    public static final String TRIGGER_IDLE_STREAM_TIME = "idle-stream-time";
    public static final String TRIGGER_IDLE_WALL_CLOCK = "idle-wall-clock";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SealedEvent() {
    }

    static byte[] json(String recordingId, RecordingHeader header, SealResult result, String trigger) {
        ObjectNode n = JSON.createObjectNode();
        n.put("recording_id", recordingId);
        n.put("sequence_id", header.effectiveSequenceId(recordingId));
        n.put("trigger", trigger);
        n.put("archive", result.archive().toAbsolutePath().normalize().toString());
        n.put("sequence_meta", result.sequenceMeta().toAbsolutePath().normalize().toString());
        n.put("bytes", result.bytes());
        n.put("sha256", result.sha256());
        n.put("md5", result.md5());
        n.put("interval_start_us", result.intervalStart());
        n.put("interval_stop_us", result.intervalStop());
        ObjectNode perSensor = n.putObject("frames_per_sensor");
        result.framesPerSensor().forEach(perSensor::put);
        ObjectNode records = n.putObject("records");
        header.records().forEach(records::put);
        n.put("duplicates", header.duplicates());
        n.put("dead_letters", header.deadLetters());
        n.put("first_record_timestamp_ms", header.firstTimestamp());
        n.put("last_record_timestamp_ms", header.lastTimestamp());
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
