package dev.itar.sim;

import dev.itar.frames.Frame;

/**
 * One generated Kafka record: key = recording id, value = the wire bytes of {@code frame}.
 *
 * @param recordingId the record key
 * @param timeUs      sensor time at which a live logger would send it (a sensor frame's t1, a pose's t)
 * @param frame       the frame, for tests and summaries
 * @param value       {@code WireEncoder.encode(frame)}
 */
public record SimRecord(String recordingId, long timeUs, Frame frame, byte[] value) {
}
