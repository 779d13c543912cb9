package dev.itar.bench;

import dev.itar.ingest.IngestConfig;
import dev.itar.kafka.EmbeddedKafkaBroker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 9's headline workload: production-rig vehicles ingested and sealed by the application as shipped.
 *
 * <ol>
 *   <li>A frames topic with two partitions gets {@code vehicles} recordings of {@code seconds} each, copies of one
 *       generated drive under their own recording ids (spread over the partitions, so each stream thread has
 *       work), interleaved record by record as concurrent vehicles send, each ending with {@code end}; then the
 *       same again under other ids, behind them in the same partitions.</li>
 *   <li><b>Ceiling</b>: a plain KafkaConsumer drains the topic on the same broker (best of two).</li>
 *   <li><b>The application</b>: {@code run} with the shipped defaults and {@code num.stream.threads=2}, in a child
 *       JVM with a stated heap. The first recordings meet cold code in the ingestor and in the broker alike:
 *       {@code rig_cold_realtime_factor}, from its {@code /health} saying RUNNING until their last sealed event is
 *       readable with {@code read_committed}. The headline figures are the second recordings': from the moment the
 *       ingestor has accepted every record of the first ones (the stream threads go on to the second ones then)
 *       until the last of their sealed events is readable. A fleet's ingestor runs for days, so this is its
 *       rate; the first drive after a start costs the JIT's warm-up on top, on the same two cores.</li>
 *   <li><b>Live, warmed up</b>: the same recordings a third time under other ids, sent to that running ingestor
 *       as it ingests them, from the first record sent until the last of their sealed events is readable
 *       ({@code rig_live_realtime_factor}); the sender runs on the same cores.</li>
 * </ol>
 *
 * Figures: {@code rig_mb_s} (record bytes ÷ that wall time), {@code rig_realtime_factor} (sensor seconds the sealed
 * archives cover, summed over vehicles, ÷ wall time), {@code rig_ingest_vs_consumer} (rig_mb_s ÷ the ceiling),
 * {@code ingestor_rss_mib} (the child's peak resident memory, {@code VmHWM}), and where the measured round's CPU
 * went ({@code rig_cpu_<thread kind>_s}, {@code rig_cpu_broker_s}).
 */
final class RigBenchmark {
    /** How often the first round's accepted records are read: the warm round's clock starts this close to it. */
    private static final long ACCEPTED_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private final Workbench bench;
    private final RigDrive drive;
    private final int vehicles;
    private final double seconds;
    private final int heapMib;

    RigBenchmark(Workbench bench, RigDrive drive, int vehicles, double seconds, int heapMib) {
        if (vehicles < 1) {
            throw new IllegalArgumentException("the rig workload needs at least one vehicle, got " + vehicles);
        }
        this.bench = bench;
        this.drive = drive;
        this.vehicles = vehicles;
        this.seconds = seconds;
        this.heapMib = heapMib;
    }

    Figures run() throws IOException, InterruptedException {
        Figures out = new Figures();
        long durationUs = Math.round(seconds * 1e6);
        try (EmbeddedKafkaBroker broker = bench.startBroker()) {
            Map<String, String> settings = bench.application("rig", broker, Map.of());
            IngestConfig config = IngestConfig.of(settings);
            int partitions = config.topicPartitions();
            out.section(String.format(Locale.ROOT, "rig: %d vehicles × %.1f s (%s), ingested and sealed by `run` in"
                    + " a -Xmx%dm child JVM, num.stream.threads=%s, %d partitions", vehicles, seconds,
                    drive.describe(), heapMib, settings.get("num.stream.threads"), partitions));

            List<String> coldIds = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int v = 0; v < vehicles; v++) {
                coldIds.add(BenchClients.keyOnPartition("rig-veh" + (v + 1) + "-cold", v % partitions, partitions));
                ids.add(BenchClients.keyOnPartition("rig-veh" + (v + 1), v % partitions, partitions));
            }
            bench.progress().accept("rig: producing 2 × " + vehicles + " recordings of " + seconds + " s");
            long coldRecords;
            long coldBytes;
            long records;
            long bytes;
            try (TopicSender sender = new TopicSender(BenchClients.producer(broker.bootstrapServers()),
                    config.framesTopic())) {
                produceInterleaved(sender, coldIds, durationUs);
                coldRecords = sender.records();
                coldBytes = sender.bytes();
                produceInterleaved(sender, ids, durationUs);
                records = sender.records() - coldRecords;
                bytes = sender.bytes() - coldBytes;
            }

            bench.progress().accept(String.format(Locale.ROOT, "rig: draining %.0f MB with a plain KafkaConsumer"
                    + " (ceiling)",
                    (coldBytes + bytes) / 1e6));
            double consumerMbS = Math.max(
                    BenchClients.drain(broker.bootstrapServers(), config.framesTopic(), coldRecords + records),
                    BenchClients.drain(broker.bootstrapServers(), config.framesTopic(), coldRecords + records));

            bench.progress().accept("rig: ingesting and sealing in the child ingestor (-Xmx" + heapMib + "m)");
            try (SealedEvents sealed = new SealedEvents(broker.bootstrapServers(), config.sealedTopic());
                 IngestorProcess ingestor = bench.start("rig-ingestor", settings, heapMib)) {
                try {
                    ingestor.awaitRunning(BenchClients.PHASE_TIMEOUT);
                    long c0 = System.currentTimeMillis();
                    // the first recordings meet a cold JVM on both sides: the ingestor's and the broker's code is
                    // compiled as they go (rig_cold_*); the next ones, already in the topic behind them, are
                    // what a running instance sees (rig_realtime_factor), clocked from the moment the stream
                    // threads have accepted every record of the first ones and go on to them
                    long t0 = awaitAccepted(ingestor, coldRecords);
                    Map<String, Double> kinds0 = ingestor.cpuSecondsByThreadKind();
                    double cpu0 = ingestor.cpuSeconds();
                    double brokerCpu0 = ownCpuSeconds();
                    Map<String, SealedEvents.Sealed> cold = sealed.await(coldIds, BenchClients.PHASE_TIMEOUT,
                            ingestor);
                    long c1 = cold.values().stream().mapToLong(SealedEvents.Sealed::seenMillis).max().orElseThrow();
                    check(cold, ingestor.metrics(), coldRecords);
                    Map<String, SealedEvents.Sealed> events = sealed.await(ids, BenchClients.PHASE_TIMEOUT, ingestor);
                    long t1 = events.values().stream().mapToLong(SealedEvents.Sealed::seenMillis).max().orElseThrow();
                    double cpu = ingestor.cpuSeconds() - cpu0;
                    double brokerCpu = ownCpuSeconds() - brokerCpu0;
                    Map<String, Double> kinds = ingestor.cpuSecondsByThreadKind();
                    check(events, ingestor.metrics(), records);

                    // the same drive again, sent while the warmed-up ingestor runs: compiled code, as after the
                    // first minutes of a live instance, with the records arriving as it ingests
                    bench.progress().accept("rig: a third round, sent to the warmed-up ingestor as it runs");
                    List<String> liveIds = ids.stream().map(id -> BenchClients.keyOnPartition(id + "-live",
                            ids.indexOf(id) % partitions, partitions)).toList();
                    long l0 = System.currentTimeMillis();
                    double liveCpu0 = ingestor.cpuSeconds();
                    try (TopicSender sender = new TopicSender(BenchClients.producer(broker.bootstrapServers()),
                            config.framesTopic())) {
                        produceInterleaved(sender, liveIds, durationUs);
                    }
                    Map<String, SealedEvents.Sealed> live = sealed.await(liveIds, BenchClients.PHASE_TIMEOUT,
                            ingestor);
                    long l1 = live.values().stream().mapToLong(SealedEvents.Sealed::seenMillis).max().orElseThrow();
                    double liveCpu = ingestor.cpuSeconds() - liveCpu0;
                    Map<String, Double> cpuByKind = ingestor.cpuSecondsByThreadKind();
                    double rss = ingestor.peakRssMib(); // over all rounds
                    check(live, ingestor.metrics(), records);
                    ingestor.stop();

                    double wall = (t1 - t0) / 1e3;
                    double sensorSeconds = events.values().stream().mapToDouble(SealedEvents.Sealed::sensorSeconds)
                            .sum();
                    double mbS = bytes / 1e6 / wall;
                    out.put("rig_mb_s", mbS);
                    out.put("rig_realtime_factor", sensorSeconds / wall);
                    out.put("rig_ingest_vs_consumer", mbS / consumerMbS);
                    out.put("ingestor_rss_mib", rss);
                    out.put("rig_wall_s", wall);
                    out.put("rig_sensor_s", sensorSeconds);
                    out.put("rig_vehicles", vehicles);
                    out.put("rig_records", records);
                    out.put("rig_record_bytes", bytes);
                    out.put("rig_archive_bytes", events.values().stream()
                            .mapToLong(SealedEvents.Sealed::archiveBytes).sum());
                    out.put("rig_consumer_mb_s", consumerMbS);
                    out.put("ingestor_heap_mib", heapMib);
                    out.put("ingestor_cpu_s", cpu);
                    out.put("ingestor_cores_used", cpu / wall);
                    // where the round's CPU went, the broker's included: all of it shares the same cores
                    kinds.forEach((kind, c) -> out.put("rig_cpu_" + kind + "_s", c - kinds0.getOrDefault(kind, 0.0)));
                    out.put("rig_cpu_broker_s", brokerCpu);
                    double coldWall = (c1 - c0) / 1e3;
                    out.put("rig_cold_realtime_factor", cold.values().stream()
                            .mapToDouble(SealedEvents.Sealed::sensorSeconds).sum() / coldWall);
                    out.put("rig_cold_wall_s", coldWall);
                    double liveWall = (l1 - l0) / 1e3;
                    out.put("rig_live_realtime_factor", live.values().stream()
                            .mapToDouble(SealedEvents.Sealed::sensorSeconds).sum() / liveWall);
                    out.put("rig_live_mb_s", bytes / 1e6 / liveWall);
                    out.put("rig_live_wall_s", liveWall);
                    out.put("ingestor_live_cpu_s", liveCpu);
                    cpuByKind.forEach((kind, s) -> out.put("ingestor_cpu_" + kind + "_s", s));
                } catch (IngestorProcess.IngestorDied e) {
                    bench.progress().accept("rig: " + e.getMessage());
                    for (String f : List.of("rig_mb_s", "rig_realtime_factor", "rig_ingest_vs_consumer",
                            "ingestor_rss_mib")) {
                        out.fail(f, "the ingestor died before every recording was sealed (" + e.reason()
                                + "; the end of its log is on stderr)");
                    }
                    out.put("rig_record_bytes", bytes);
                    out.put("rig_consumer_mb_s", consumerMbS);
                    out.put("ingestor_heap_mib", heapMib);
                }
            }
        }
        return out;
    }

    /** Waits until the ingestor has accepted {@code n} records; returns that moment (wall clock, ms). */
    private static long awaitAccepted(IngestorProcess ingestor, long n) {
        long deadline = System.nanoTime() + BenchClients.PHASE_TIMEOUT.toNanos();
        while (ingestor.acceptedRecords() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ingestor had not accepted the first " + n + " records after "
                        + BenchClients.PHASE_TIMEOUT.toSeconds() + " s");
            }
            LockSupport.parkNanos(ACCEPTED_POLL_NANOS);
        }
        return System.currentTimeMillis();
    }

    /**
     * CPU seconds of this JVM so far: during a round it hosts the broker, whose work (serving fetches, taking the
     * changelogs and transactions) shares the machine with the ingestor, and an idle sealed-event reader.
     */
    private static double ownCpuSeconds() {
        return IngestorProcess.cpuSeconds(ProcessHandle.current());
    }

    /** Every vehicle's records, one record of each in turn (vehicles sending at once), ends included. */
    private void produceInterleaved(TopicSender sender, List<String> ids, long durationUs) {
        List<RigDrive.Records> sources = new ArrayList<>();
        try {
            for (int v = 0; v < ids.size(); v++) {
                sources.add(drive.recording(durationUs, true));
            }
            boolean more = true;
            while (more) {
                more = false;
                for (int v = 0; v < ids.size(); v++) {
                    if (sources.get(v).hasNext()) {
                        sender.send(ids.get(v), sources.get(v).next());
                        more = true;
                    }
                }
            }
            sender.flush();
        } finally {
            sources.forEach(RigDrive.Records::close);
        }
    }

    /** The run counts only if every record was accepted, none dead-lettered, and every seal came from its end. */
    private static void check(Map<String, SealedEvents.Sealed> events, Map<String, Double> metrics, long records) {
        double deadLetters = PrometheusSamples.sum(metrics, "itar_dead_letters_total");
        if (deadLetters != 0) {
            throw new IllegalStateException("the rig workload's records were dead-lettered (" + deadLetters + "): "
                    + metrics);
        }
        long accepted = events.values().stream().mapToLong(SealedEvents.Sealed::records).sum();
        if (accepted != records) {
            throw new IllegalStateException("the sealed recordings hold " + accepted + " records, " + records
                    + " were produced");
        }
        Map<String, String> triggers = new LinkedHashMap<>();
        events.forEach((id, e) -> triggers.put(id, e.trigger()));
        if (triggers.values().stream().anyMatch(t -> !t.equals("end"))) {
            throw new IllegalStateException("recordings were sealed by another trigger than their end: " + triggers);
        }
    }
}
