package dev.itar.proof;

import dev.itar.archive.ArchiveVerifier;
import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.ingest.IngestMetrics;
import dev.itar.kafka.KafkaBrokerExtension;
import dev.itar.kafka.TopicAdmin;
import dev.itar.sim.SimRecord;
import dev.itar.sim.SimulatorConfig;
import dev.itar.sim.VehicleSimulator;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The archive directory is a real, small file system (a tmpfs, which needs root to mount) that fills up: the seal
 * that does not fit waits and is retried, a recording that fits is sealed meanwhile on the same stream thread,
 * and once space is freed the waiting one is sealed, exactly once.
 */
class FullArchiveDiskIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path tmp;

    private Path mounted;

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            run("umount", mounted.toString());
        }
    }

    @Test
    void aFullArchiveDiskPausesOnlyTheSealThatDoesNotFit() throws Exception {
        Path archives = Files.createDirectories(tmp.resolve("archives"));
        int mount = run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", archives.toString());
        assumeThat(mount).as("mounting a 16 MiB tmpfs (needs root) at " + archives).isZero();
        mounted = archives;
        FileStore store = Files.getFileStore(archives);
        assertThat(store.getTotalSpace()).isLessThan(32L << 20);

        String bootstrap = KAFKA.bootstrapServers();
        Map<String, String> settings = new java.util.HashMap<>(ProofKit.settings(bootstrap, "full", "full-app",
                archives, tmp.resolve("state")));
        settings.put(IngestConfig.RECORDING_SEAL_RETRY_MAX_MS, "2000"); // once space is back, retried soon
        IngestConfig config = ProofKit.config(settings);
        TopicAdmin.ensureTopics(bootstrap, new IngestApplication(config).topics());
        // a recording whose archive (~4 MB) cannot fit in the 2 MiB left free, and a small one (~0.9 MB) that can
        List<SimRecord> big = records("full-big", 8.0, 320, 240, 5);
        List<SimRecord> small = records("full-small", 1.0, 64, 48, 6);

        IngestMetrics metrics = new IngestMetrics();
        try (IngestApplication app = new IngestApplication(config, metrics);
             KafkaProducer<byte[], byte[]> producer = ProofKit.producer(bootstrap);
             KafkaConsumer<byte[], byte[]> sealed = ProofKit.consumer(bootstrap, config.sealedTopic(), true)) {
            app.start();
            ProofKit.sendAll(producer, config.framesTopic(), big);
            assertThat(ProofKit.await(app, ProofKit.WAIT, () -> metrics.pendingSeals().containsKey("full-big-veh1/0")))
                    .as("the big recording's seal fails for want of space; pending: %s", metrics.pendingSeals())
                    .isTrue();
            assertThat(metrics.pendingSeals().get("full-big-veh1/0")).containsIgnoringCase("space");

            ProofKit.sendAll(producer, config.framesTopic(), small);
            List<ConsumerRecord<byte[], byte[]>> events = ProofKit.poll(sealed, 1, ProofKit.WAIT);
            assertThat(events).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactly("full-small-veh1");
            assertThat(metrics.pendingSeals()).containsOnlyKeys("full-big-veh1/0");
            assertThat(app.state().isRunningOrRebalancing()).isTrue();

            Files.delete(archives.resolve("filler")); // space is back
            events = ProofKit.poll(sealed, 1, ProofKit.WAIT);
            assertThat(events).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactly("full-big-veh1");
            assertThat(ProofKit.poll(sealed, 1, Duration.ofSeconds(3))).as("no second sealed event").isEmpty();
            assertThat(metrics.pendingSeals()).isEmpty();
        }
        for (String name : List.of("full-big-veh1.ncore4.zarr.itar", "full-small-veh1.ncore4.zarr.itar")) {
            assertThat(ArchiveVerifier.verify(archives.resolve(name)).problems()).as(name).isEmpty();
        }
        assertThat(ProofKit.listing(archives)).noneMatch(n -> n.endsWith(".partial"));
    }

    /** A drive of the simulator's rig with a given image size; the filler leaves too little space for it. */
    private List<SimRecord> records(String prefix, double seconds, int width, int height, long seed)
            throws IOException {
        VehicleSimulator sim = new VehicleSimulator(SimulatorConfig.builder().recordingPrefix(prefix)
                .durationSeconds(seconds).imageSize(width, height).seed(seed).build());
        List<SimRecord> out = new ArrayList<>();
        sim.records().forEachRemaining(out::add);
        if (prefix.endsWith("big")) {
            // leave 2 MiB free: less than the big archive, more than the small one
            long free = Files.getFileStore(tmp.resolve("archives")).getUsableSpace();
            try (var ch = java.nio.channels.FileChannel.open(tmp.resolve("archives/filler"),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.allocate((int) (free - (2 << 20))));
            }
        }
        return out;
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
