package dev.itar.proof;

import dev.itar.archive.ArchiveVerifier;
import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.ingest.IngestMetrics;
import dev.itar.kafka.KafkaBrokerExtension;
import dev.itar.kafka.TopicAdmin;
import dev.itar.sim.SimRecord;
import dev.itar.sim.VehicleSimulator;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker is stopped and restarted (same ports, same log dir) while the ingest application is in the middle
 * of a recording; the application rides it out and the archive equals an uninterrupted run's.
 */
class BrokerRestartIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path tmp;

    @Test
    void aBrokerRestartMidRecordingLeavesTheArchiveUnchanged() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        VehicleSimulator sim = ProofKit.simulator("brokerrestart", 3.0, 11);
        List<SimRecord> records = ProofKit.records(sim);
        List<SimRecord> body = ProofKit.body(records);
        List<SimRecord> end = ProofKit.ends(records);
        int half = body.size() / 2;
        String id = sim.recordingIds().get(0);

        Path archives = tmp.resolve("archives");
        IngestConfig config = ProofKit.config(ProofKit.settings(bootstrap, "brokerrestart", "brokerrestart-app",
                archives, tmp.resolve("state")));
        TopicAdmin.ensureTopics(bootstrap, new IngestApplication(config).topics());
        IngestMetrics metrics = new IngestMetrics();
        try (IngestApplication app = new IngestApplication(config, metrics)) {
            app.start();
            assertThat(app.awaitRunning(ProofKit.WAIT)).as("running").isTrue();
            try (KafkaProducer<byte[], byte[]> producer = ProofKit.producer(bootstrap)) {
                ProofKit.sendAll(producer, config.framesTopic(), body.subList(0, half));
            }
            assertThat(ProofKit.await(app, ProofKit.WAIT, () -> metrics.recordsAccepted() >= half / 2))
                    .as("part of the first half accepted").isTrue();

            KAFKA.broker().stop(); // mid-recording, possibly mid-transaction
            assertThat(KAFKA.broker().isRunning()).isFalse();
            KAFKA.broker().restart();

            try (KafkaProducer<byte[], byte[]> producer = ProofKit.producer(bootstrap)) {
                ProofKit.sendAll(producer, config.framesTopic(), body.subList(half, body.size()));
                ProofKit.sendAll(producer, config.framesTopic(), end);
            }
            assertThat(ProofKit.await(app, ProofKit.WAIT, () -> metrics.seals() >= 1))
                    .as("sealed after the broker restart; metrics %s", metrics).isTrue();
            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(metrics.deadLetters()).isZero();
        }
        Path archive = archives.resolve(id + ".ncore4.zarr.itar");

        Path refArchives = tmp.resolve("ref-archives");
        Map<String, String> ref = new HashMap<>(ProofKit.settings(bootstrap, "brokerrestart",
                "brokerrestart-reference", refArchives, tmp.resolve("ref-state")));
        ref.put(IngestConfig.TOPIC_SEALED, "brokerrestart-ref-sealed");
        ref.put(IngestConfig.TOPIC_DEAD_LETTERS, "brokerrestart-ref-dlq");
        IngestMetrics refMetrics = new IngestMetrics();
        try (IngestApplication app = new IngestApplication(ProofKit.config(ref), refMetrics)) {
            app.start();
            assertThat(ProofKit.await(app, ProofKit.WAIT, () -> refMetrics.seals() == 1)).as("reference sealed")
                    .isTrue();
        }
        assertThat(ProofKit.sha256(archive)).isEqualTo(ProofKit.sha256(refArchives.resolve(id + ".ncore4.zarr.itar")));
        assertThat(ArchiveVerifier.containerProblems(archive)).isEmpty();
        assertThat(ProofKit.framesPerSensor(archive)).isEqualTo(sim.framesPerSensor());
    }
}
