package dev.itar.bench;

import dev.itar.ingest.IngestConfig;
import dev.itar.kafka.EmbeddedKafkaBroker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 9's headline workload: production-rig vehicles ingested and sealed by the application as shipped.
 *
 * <ol>
 *   <li>A frames topic with two partitions gets {@code vehicles} recordings of {@code seconds} each, copies of one
 *       generated drive under their own recording ids (spread over the partitions, so each stream thread has
 *       work), interleaved record by record as concurrent vehicles send, each ending with {@code end}.</li>
 *   <li><b>Ceiling</b>: a plain KafkaConsumer drains the topic on the same broker (best of two).</li>
 *   <li><b>The application</b>: {@code run} with the shipped defaults and {@code num.stream.threads=2}, in a child
 *       JVM with a stated heap. The clock runs from its {@code /health} saying RUNNING until the last recording's
 *       sealed event is readable with {@code read_committed}.</li>
 *   <li><b>Live, warmed up</b>: the same recordings again under other ids, sent to that running ingestor as it
 *       ingests them (its code compiled by now, as after a live instance's first minutes): from the first record sent
 *       until the last of their sealed events is readable ({@code rig_live_realtime_factor}).</li>
 * </ol>
 *
 * Figures: {@code rig_mb_s} (record bytes ÷ that wall time), {@code rig_realtime_factor} (sensor seconds the sealed
 * archives cover, summed over vehicles, ÷ wall time), {@code rig_ingest_vs_consumer} (rig_mb_s ÷ the ceiling) and
 * {@code ingestor_rss_mib} (the child's peak resident memory, {@code VmHWM}).
 */
final class RigBenchmark {
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

            List<String> ids = new ArrayList<>();
            for (int v = 0; v < vehicles; v++) {
                ids.add(BenchClients.keyOnPartition("rig-veh" + (v + 1), v % partitions, partitions));
            }
            bench.progress().accept("rig: producing " + vehicles + " recordings of " + seconds + " s");
            long records;
            long bytes;
            try (TopicSender sender = new TopicSender(BenchClients.producer(broker.bootstrapServers()),
                    config.framesTopic())) {
                produceInterleaved(sender, ids, durationUs);
                records = sender.records();
                bytes = sender.bytes();
            }

            bench.progress().accept(String.format(Locale.ROOT, "rig: draining %.0f MB with a plain KafkaConsumer"
                    + " (ceiling)",
                    bytes / 1e6));
            double consumerMbS = Math.max(BenchClients.drain(broker.bootstrapServers(), config.framesTopic(), records),
                    BenchClients.drain(broker.bootstrapServers(), config.framesTopic(), records));

            bench.progress().accept("rig: ingesting and sealing in the child ingestor (-Xmx" + heapMib + "m)");
            try (SealedEvents sealed = new SealedEvents(broker.bootstrapServers(), config.sealedTopic());
                 IngestorProcess ingestor = bench.start("rig-ingestor", settings, heapMib)) {
                try {
                    ingestor.awaitRunning(BenchClients.PHASE_TIMEOUT);
                    long t0 = System.currentTimeMillis();
                    double cpu0 = ingestor.cpuSeconds();
                    Map<String, SealedEvents.Sealed> events = sealed.await(ids, BenchClients.PHASE_TIMEOUT, ingestor);
                    long t1 = events.values().stream().mapToLong(SealedEvents.Sealed::seenMillis).max().orElseThrow();
                    double cpu = ingestor.cpuSeconds() - cpu0;
                    check(events, ingestor.metrics(), records);

                    // the same drive again, sent while the warmed-up ingestor runs: compiled code, as after the
                    // first minutes of a live instance, with the records arriving as it ingests
                    bench.progress().accept("rig: a second round, sent to the warmed-up ingestor as it runs");
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
                    double rss = ingestor.peakRssMib(); // over both rounds
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
