package dev.itar.sim;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatorProducerTest {

    private static VehicleSimulator simulator() {
        return new VehicleSimulator(SimulatorConfig.builder().vehicles(2).durationSeconds(0.5).lidarRays(64)
                .imageSize(32, 24).build());
    }

    @Test
    void sendsEveryRecordKeyedByRecordingIdInSimulatorOrder() throws Exception {
        MockProducer<String, byte[]> mock = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        VehicleSimulator simulator = simulator();
        long[] lastProgress = new long[2];
        SimulationReport report;
        try (SimulatorProducer producer = new SimulatorProducer(mock, "frames")) {
            report = producer.send(simulator, false, (records, bytes) -> {
                lastProgress[0] = records;
                lastProgress[1] = bytes;
            });
        }
        List<ProducerRecord<String, byte[]>> sent = mock.history();
        List<SimRecord> expected = simulator.stream().toList();
        assertThat(sent).hasSize(expected.size());
        for (int i = 0; i < sent.size(); i++) {
            assertThat(sent.get(i).topic()).isEqualTo("frames");
            assertThat(sent.get(i).key()).isEqualTo(expected.get(i).recordingId());
            assertThat(sent.get(i).value()).isEqualTo(expected.get(i).value());
        }
        assertThat(report.records()).isEqualTo(sent.size()).isEqualTo(2 * simulator.recordsPerRecording());
        assertThat(report.recordsByType()).containsEntry("start", 2L).containsEntry("end", 2L);
        assertThat(lastProgress[0]).isEqualTo(report.records());
        assertThat(lastProgress[1]).isEqualTo(report.bytes());
        assertThat(report.summary()).contains("sim-veh1, sim-veh2").contains("to topic frames");
        assertThat(mock.closed()).isTrue();
    }

    @Test
    void aRecordTheBrokerRefusesStopsTheRunWithTheRecordNamed() {
        MockProducer<String, byte[]> refusing = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer()) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
                callback.onCompletion(null, new RecordTooLargeException("too large for the topic"));
                return CompletableFuture.failedFuture(new RecordTooLargeException("too large for the topic"));
            }
        };
        try (SimulatorProducer producer = new SimulatorProducer(refusing, "frames")) {
            assertThatThrownBy(() -> producer.send(simulator(), false, null))
                    .isInstanceOf(KafkaException.class)
                    .hasMessageContaining("record sim-veh1 start at ")
                    .hasMessageContaining("was not accepted by topic frames: too large for the topic");
        }
    }

    @Test
    void realtimePacingTakesAtLeastTheSensorTimeAndSendsTheSameRecords() throws Exception {
        MockProducer<String, byte[]> mock = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        VehicleSimulator simulator = simulator(); // 0.5 s of sensor time
        long span = simulator.config().endTimeUs() - simulator.config().startTimeUs();
        SimulationReport report;
        try (SimulatorProducer producer = new SimulatorProducer(mock, "frames")) {
            report = producer.send(simulator, true, null);
        }
        assertThat(report.elapsed().toNanos()).isGreaterThanOrEqualTo(span * 1000 - 5_000_000L);
        assertThat(mock.history()).hasSize((int) report.records());
    }

    @Test
    void producerIsConfiguredForSafeLargeRecords() {
        Map<String, Object> props = SimulatorProducer.producerProperties("127.0.0.1:1", 20_000_000,
                Map.of("linger.ms", 0));
        assertThat(props).containsEntry("acks", "all").containsEntry("enable.idempotence", true)
                .containsEntry("max.in.flight.requests.per.connection", 5)
                .containsEntry("max.request.size", 20_000_000).containsEntry("linger.ms", 0);
        assertThat((Long) props.get("buffer.memory")).isGreaterThanOrEqualTo(40_000_000L);
    }
}
