package dev.itar.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.itar.ingest.StateRecords.RecordingHeader;
import dev.itar.storage.ArchiveStore;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON value published on the sealed topic (key = recording id) for every archive written — one per segment
 * when recordings are cut into segments:
 *
 * <pre>{@code
 * {"recording_id": "drive-0001", "segment": 3, "segment_start_us": 1600000180000000,
 *  "segment_stop_us": 1600000240000000, "recording_complete": false,
 *  "sequence_id": "drive-0001-00003", "trigger": "segment",
 *  "archive": "/data/archives/drive-0001-00003.ncore4.zarr.itar",
 *  "sequence_meta": "/data/archives/drive-0001-00003.json",
 *  "bytes": 123456, "sha256": "…", "md5": "…",
 *  "interval_start_us": 1600000000000000, "interval_stop_us": 1600000010000001,
 *  "frames_per_sensor": {"cameras/cam0": 100, "lidars/top": 100},
 *  "records": {"camera": 100, "lidar": 100, "pose": 100, "start": 1, "end": 1},
 *  "duplicates": 0, "dead_letters": 2,
 *  "first_record_timestamp_ms": 1700000000000, "last_record_timestamp_ms": 1700000012000}
 * }</pre>
 *
 * {@code trigger} is {@code segment} (the segment is complete), {@code end}, {@code idle-stream-time} or
 * {@code idle-wall-clock}. {@code segment_start_us} and {@code segment_stop_us} bound the segment's sensor-time
 * window (null for an archive of a whole recording; segment 0 also holds anything before its start);
 * {@code interval_*_us} is the sequence interval of what it holds. {@code recording_complete} is true on the
 * event of the recording's last archive. {@code archive} and {@code sequence_meta} are absolute paths, or
 * {@code s3://bucket/key} URIs when archives go to S3. Counters are the recording's so far;
 * {@code dead_letters} counts the rejected records whose key named this recording while it was open.
 */
public final class SealedEvent {
    public static final String TRIGGER_SEGMENT = "segment";
    public static final String TRIGGER_END = "end";
    public static final String TRIGGER_IDLE_STREAM_TIME = "idle-stream-time";
    public static final String TRIGGER_IDLE_WALL_CLOCK = "idle-wall-clock";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SealedEvent() {
    }

    static byte[] json(String recordingId, RecordingHeader header, SegmentItems.SealRequest request, SealedMarker sealed,
                       ArchiveStore archives, boolean complete) {
        ObjectNode n = JSON.createObjectNode();
        n.put("recording_id", recordingId);
        n.put("segment", request.segment());
        if (request.segmentStop() != Long.MAX_VALUE) {
            n.put("segment_start_us", request.segmentStart());
            n.put("segment_stop_us", request.segmentStop());
        } else {
            n.putNull("segment_start_us");
            n.putNull("segment_stop_us");
        }
        n.put("recording_complete", complete);
        n.put("sequence_id", request.header().sequenceId());
        n.put("trigger", request.trigger());
        n.put("archive", archives.uriOf(sealed.archiveName()));
        n.put("sequence_meta", archives.uriOf(sealed.sequenceMetaName()));
        n.put("bytes", sealed.bytes());
        n.put("sha256", sealed.sha256());
        n.put("md5", sealed.md5());
        n.put("interval_start_us", sealed.intervalStart());
        n.put("interval_stop_us", sealed.intervalStop());
        ObjectNode perSensor = n.putObject("frames_per_sensor");
        sealed.framesPerSensor().forEach(perSensor::put);
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
