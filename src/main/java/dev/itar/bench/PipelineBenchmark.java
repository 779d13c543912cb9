package dev.itar.bench;

import dev.itar.archive.FileDigests;
import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.ingest.IngestMetrics;
import dev.itar.kafka.EmbeddedKafkaBroker;
import dev.itar.kafka.TopicAdmin;
import dev.itar.sim.SimRecord;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The Kafka half of the benchmark, on one broker, in one run:
 * <ol>
 *   <li>the frames topic is filled with {@code copies} copies of the default drive (one recording id each,
 *       interleaved record by record as concurrent vehicles would send), without their {@code end} records;</li>
 *   <li><b>ceiling</b>: a plain KafkaConsumer drains the topic (best of two);</li>
 *   <li><b>live</b>: an IngestApplication consumes the topic; ingest MB/s is measured from its first accepted
 *       record until its metrics show every record accepted (chunks in the store, sealing excluded: no
 *       {@code end} yet, idle timeout one hour). Then the {@code end} records are produced and the time until
 *       every recording is sealed is added: live wall time = ingest + seal;</li>
 *   <li><b>rebuild</b>: a fresh application id replays the complete topic from offset 0 into another archive
 *       directory (first accepted record until all sealed); archives must be byte-identical to the live ones.</li>
 * </ol>
 */
final class PipelineBenchmark {
    private static final Duration PHASE_TIMEOUT = BenchClients.PHASE_TIMEOUT;

    private final Path workDir;
    private final int copies;
    private final Consumer<String> progress;
    private final Map<String, String> extraSettings;
    private final boolean withRebuild;

    /** @param extraSettings ingest settings on top of the defaults (what-if runs, e.g. another commit interval) */
    PipelineBenchmark(Path workDir, int copies, Map<String, String> extraSettings, Consumer<String> progress) {
        this(workDir, copies, extraSettings, true, progress);
    }

    /** @param withRebuild false = live ingest and seal only (quicker iterations on ingest speed) */
    PipelineBenchmark(Path workDir, int copies, Map<String, String> extraSettings, boolean withRebuild,
                      Consumer<String> progress) {
        this.workDir = workDir;
        this.copies = copies;
        this.extraSettings = Map.copyOf(extraSettings);
        this.withRebuild = withRebuild;
        this.progress = progress;
    }

    Map<String, Double> run(BenchDrive drive) throws IOException, InterruptedException {
        Map<String, Double> out = new LinkedHashMap<>();
        List<SimRecord> body = drive.body();
        long records = (long) body.size() * copies;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().logDir(workDir.resolve("kafka")).start()) {
            IngestConfig live = config(broker.bootstrapServers(), "bench-live", "live");
            TopicAdmin.ensureTopics(broker.bootstrapServers(), new IngestApplication(live).topics());

            progress.accept("producing " + copies + " copies of the default drive (" + records + " records)");
            long valueBytes = produce(broker.bootstrapServers(), live.framesTopic(), body);

            progress.accept("draining the topic with a plain KafkaConsumer (ceiling)");
            double consumerMbS = Math.max(BenchClients.drain(broker.bootstrapServers(), live.framesTopic(), records),
                    BenchClients.drain(broker.bootstrapServers(), live.framesTopic(), records));

            progress.accept("live ingest");
            Run liveRun = ingest(live, records, () -> produceEnds(broker.bootstrapServers(), live.framesTopic(),
                    drive.end()));
            out.put("ingest_vs_consumer", liveRun.ingestMbS / consumerMbS);
            out.put("ingest_mb_s", liveRun.ingestMbS);
            out.put("consumer_mb_s", consumerMbS);
            if (withRebuild) {
                progress.accept("rebuild (fresh application id from offset 0)");
                IngestConfig rebuild = config(broker.bootstrapServers(), "bench-rebuild", "rebuild");
                Run rebuildRun = ingest(rebuild, records + copies, null);

                boolean identical = true;
                for (int i = 1; i <= copies; i++) {
                    Path a = live.archiveDir().resolve(recordingId(i) + ".ncore4.zarr.itar");
                    Path b = rebuild.archiveDir().resolve(recordingId(i) + ".ncore4.zarr.itar");
                    identical &= sha256(a).equals(sha256(b));
                }
                out.put("rebuild_vs_live", rebuildRun.wallSeconds() / liveRun.wallSeconds());
                out.put("live_s", liveRun.wallSeconds());
                out.put("live_seal_s", liveRun.sealNanos / 1e9);
                out.put("rebuild_s", rebuildRun.wallSeconds());
                out.put("rebuild_identical", identical ? 1.0 : 0.0);
            } else {
                out.put("live_s", liveRun.wallSeconds());
                out.put("live_seal_s", liveRun.sealNanos / 1e9);
            }
            long archiveBytes = 0;
            for (int i = 1; i <= copies; i++) {
                archiveBytes += Files.size(live.archiveDir().resolve(recordingId(i) + ".ncore4.zarr.itar"));
            }
            out.put("archive_overhead", (double) archiveBytes / (copies * drive.valueBytes()));
            out.put("bench_records", (double) records);
            out.put("bench_mb", valueBytes / 1e6);
        }
        return out;
    }

    private IngestConfig config(String bootstrap, String applicationId, String dir) {
        Map<String, String> m = new HashMap<>();
        m.put(IngestConfig.BOOTSTRAP_SERVERS, bootstrap);
        m.put(IngestConfig.APPLICATION_ID, applicationId);
        m.put(IngestConfig.TOPIC_FRAMES, "bench-frames");
        m.put(IngestConfig.TOPIC_DEAD_LETTERS, "bench-dlq");
        m.put(IngestConfig.TOPIC_SEALED, "bench-sealed");
        m.put(IngestConfig.TOPIC_PARTITIONS, "1"); // one partition: the consumer ceiling reads the same log
        m.put(IngestConfig.TOPIC_REPLICATION_FACTOR, "1");
        m.put(IngestConfig.ARCHIVE_DIR, workDir.resolve(dir).resolve("archives").toString());
        m.put(IngestConfig.STATE_DIR, workDir.resolve(dir).resolve("state").toString());
        // sealing only on `end`: the idle rules must not fire during the measurement
        m.put(IngestConfig.RECORDING_IDLE_TIMEOUT_MS, "3600000");
        m.put(IngestConfig.RECORDING_IDLE_CHECK_INTERVAL_MS, "60000");
        m.putAll(extraSettings);
        return IngestConfig.of(m);
    }

    static String recordingId(int copy) {
        return String.format("bench-%04d", copy);
    }

    private long produce(String bootstrap, String topic, List<SimRecord> body) throws InterruptedException {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = BenchClients.producer(bootstrap)) {
            byte[][] keys = new byte[copies][];
            for (int i = 0; i < copies; i++) {
                keys[i] = recordingId(i + 1).getBytes(StandardCharsets.UTF_8);
            }
            for (SimRecord r : body) {
                for (byte[] key : keys) {
                    producer.send(new ProducerRecord<>(topic, key, r.value()), (m, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
                    bytes += r.value().length;
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("producing the benchmark topic failed: " + failure.get(), failure.get());
        }
        return bytes;
    }

    private void produceEnds(String bootstrap, String topic, SimRecord end) {
        try (KafkaProducer<byte[], byte[]> producer = BenchClients.producer(bootstrap)) {
            for (int i = 1; i <= copies; i++) {
                producer.send(new ProducerRecord<>(topic, recordingId(i).getBytes(StandardCharsets.UTF_8),
                        end.value()));
            }
            producer.flush();
        }
    }

    /** What one application run took. */
    private record Run(double ingestMbS, long ingestNanos, long sealNanos) {
        double wallSeconds() {
            return (ingestNanos + sealNanos) / 1e9;
        }
    }

    /**
     * Runs an application until it accepted {@code records}; then, if {@code ends} is given, produces them and
     * waits until every recording is sealed (timed separately); without, waits for the seals as part of the run.
     */
    private Run ingest(IngestConfig config, long records, Runnable ends) throws InterruptedException {
        IngestMetrics metrics = new IngestMetrics();
        try (IngestApplication app = new IngestApplication(config, metrics)) {
            app.start();
            await(app, () -> metrics.recordsAccepted() > 0, "the first record to be accepted");
            long t0 = System.nanoTime();
            long bytes0 = metrics.recordBytes();
            await(app, () -> metrics.recordsAccepted() >= records, records + " records to be accepted");
            long t1 = System.nanoTime();
            long bytes1 = metrics.recordBytes();
            long sealNanos = 0;
            if (ends != null) {
                long s0 = System.nanoTime();
                ends.run();
                await(app, () -> metrics.seals() >= copies, copies + " recordings to be sealed");
                sealNanos = System.nanoTime() - s0;
            } else {
                await(app, () -> metrics.seals() >= copies, copies + " recordings to be sealed");
                t1 = System.nanoTime();
            }
            if (metrics.deadLetters() != 0) {
                throw new IllegalStateException("benchmark records were dead-lettered: " + metrics);
            }
            return new Run((bytes1 - bytes0) / 1e6 / ((t1 - t0) / 1e9), t1 - t0, sealNanos);
        }
    }

    /** Polls every 1 ms (a measurement, so the poll interval bounds the error) with a deadline. */
    private static void await(IngestApplication app, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (app.failure() != null) {
                throw new IllegalStateException("ingest failed while waiting for " + what, app.failure());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what + ": " + app.metrics());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    static String sha256(Path file) throws IOException {
        return FileDigests.sha256(file);
    }
}
