package dev.itar.bench;

import dev.itar.frames.EndFrame;
import dev.itar.ingest.IngestConfig;
import dev.itar.kafka.EmbeddedKafkaBroker;
import dev.itar.sim.SimRecord;
import dev.itar.sim.SimulatorConfig;
import dev.itar.sim.VehicleSimulator;
import dev.itar.zarr.ZarrArchiveReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code seal_heap_mib_300k_nodes} (issue 13): the heap the running application needs to seal a recording of many
 * zarr nodes with small payloads — node metadata, not data bytes, is what grows there.
 *
 * <p>The recording: 16 radars at 100 Hz (8 points each, a few hundred bytes per record, 9 nodes per frame), long
 * enough for {@code nodes} nodes; the sealed archive's node count is reported as it is. It is ingested by one child
 * JVM with the ordinary ingestor heap, which is then stopped cleanly; a second child with the same state and a
 * small heap ({@code -Xmx<heapMib>m}) takes over and receives the {@code end}. So the small heap only has to seal,
 * and ingest memory (issue 9) cannot fail this figure.
 *
 * <p>The heap is read from the sealing child's garbage-collector log ({@link GcLog}): the figure is the largest heap
 * in use right after a collection while it seals (from the {@code end}'s append until its sealed event is readable)
 * — what sealing keeps alive, the rest of the application included; the largest heap in use right before a
 * collection (garbage included, at most -Xmx) is context. A child that runs out of heap is the figure's result.
 */
final class SealHeapNodesBenchmark {
    static final int RADARS = 16;
    static final int RADAR_HZ = 100;
    /** Nodes the ncore layout gives one radar frame (frame group, ray bundle arrays, generic data); for sizing. */
    static final int NODES_PER_RADAR_FRAME = 9;

    private final Workbench bench;
    private final int nodes;
    private final int sealHeapMib;
    private final int ingestHeapMib;

    SealHeapNodesBenchmark(Workbench bench, int nodes, int sealHeapMib, int ingestHeapMib) {
        this.bench = bench;
        this.nodes = nodes;
        this.sealHeapMib = sealHeapMib;
        this.ingestHeapMib = ingestHeapMib;
    }

    /** The recording: enough radar frames for {@code nodes} nodes. */
    static SimulatorConfig recording(int nodes) {
        double seconds = Math.ceil((double) nodes / ((long) NODES_PER_RADAR_FRAME * RADARS * RADAR_HZ) * 10) / 10;
        return SimulatorConfig.builder().cameras(0).lidars(0).radars(RADARS).radarHz(RADAR_HZ)
                .durationSeconds(Math.max(0.1, seconds)).seed(13).build();
    }

    Figures run() throws IOException, InterruptedException {
        String figure = "seal_heap_mib_" + (nodes % 1000 == 0 ? nodes / 1000 + "k" : Integer.toString(nodes))
                + "_nodes";
        Figures out = new Figures().section(String.format(Locale.ROOT, "seal-heap: a recording of >= %d zarr nodes"
                + " (16 radars at 100 Hz) sealed by the application in a -Xmx%dm child JVM", nodes, sealHeapMib));
        SimulatorConfig sim = recording(nodes);
        try (EmbeddedKafkaBroker broker = bench.startBroker()) {
            // the seal waits for the end, however long the restart in between takes
            Map<String, String> settings = bench.application("seal-heap", broker,
                    Map.of(IngestConfig.RECORDING_IDLE_TIMEOUT_MS, "3600000"));
            IngestConfig config = IngestConfig.of(settings);
            String id = BenchClients.keyOnPartition("seal-heap", 0, config.topicPartitions());

            try (TopicSender sender = new TopicSender(BenchClients.producer(broker.bootstrapServers()),
                    config.framesTopic());
                 SealedEvents sealed = new SealedEvents(broker.bootstrapServers(), config.sealedTopic())) {
                byte[] end;
                try {
                    end = ingest(sender, settings, id, sim);
                } catch (IngestorProcess.IngestorDied e) {
                    bench.progress().accept("seal-heap: " + e.getMessage());
                    return out.fail(figure, "the child ingesting the recording (-Xmx" + ingestHeapMib + "m) died"
                            + " before the seal: " + e.reason());
                }
                long records = sender.records() + 1;
                long bytes = sender.bytes() + end.length;

                bench.progress().accept("seal-heap: restarting with -Xmx" + sealHeapMib + "m and sealing");
                try (IngestorProcess sealer = bench.start("seal-heap-sealer", settings, sealHeapMib)) {
                    sealer.awaitRunning(BenchClients.PHASE_TIMEOUT);
                    long appended = sender.sendAndAwaitAppend(id, end);
                    try {
                        SealedEvents.Sealed event = sealed.await(id, BenchClients.PHASE_TIMEOUT, sealer);
                        double rss = sealer.peakRssMib();
                        List<GcLog.Collection> gcs = GcLog.read(sealer.gcLog());
                        GcLog.Window w = GcLog.window(gcs, appended, event.seenMillis());
                        if (w.collections() > 0) {
                            out.put(figure, w.peakAfterMib());
                        } else {
                            // the heap only grows between collections: in use at the next one bounds the seal's peak
                            GcLog.Collection next = sealer.collectGarbage();
                            out.put(figure, next.beforeMib());
                            out.note("seal_heap_note", "no collection while sealing; the figure is the heap in use"
                                    + " (garbage included) at a collection forced right after it, an upper bound");
                        }
                        sealer.stop();
                        int archiveNodes;
                        try (ZarrArchiveReader r = ZarrArchiveReader.open(Path.of(event.archive()))) {
                            archiveNodes = r.nodes().size();
                        }
                        if (archiveNodes < nodes) {
                            out.note("seal_heap_nodes_note", "the archive has " + archiveNodes + " nodes, fewer"
                                    + " than the " + nodes + " asked for: the layout's nodes per radar frame changed");
                        }
                        if (w.collections() > 0) {
                            out.put("seal_heap_peak_used_mib", w.peakBeforeMib());
                        }
                        out.put("seal_heap_collections", w.collections());
                        out.put("seal_heap_before_end_mib", lastAfter(gcs, appended));
                        out.put("seal_heap_latency_s", (event.seenMillis() - appended) / 1e3);
                        out.put("seal_heap_nodes", archiveNodes);
                        out.put("seal_heap_records", records);
                        out.put("seal_heap_record_bytes", bytes);
                        out.put("seal_heap_archive_bytes", event.archiveBytes());
                        out.put("seal_heap_rss_mib", rss);
                    } catch (IngestorProcess.IngestorDied e) {
                        long died = System.currentTimeMillis();
                        GcLog.Window w = GcLog.window(GcLog.read(sealer.gcLog()), appended, died);
                        bench.progress().accept("seal-heap: " + e.getMessage());
                        out.fail(figure, String.format(Locale.ROOT, "%s while sealing, within %.1f s of the end"
                                        + " (largest heap in use after a collection until then: %d MiB, %d"
                                        + " collections)",
                                e.reason(), (died - appended) / 1e3, w.peakAfterMib(), w.collections()));
                        out.put("seal_heap_records", records);
                        out.put("seal_heap_record_bytes", bytes);
                    }
                    out.put("seal_heap_xmx_mib", sealHeapMib);
                }
            }
        }
        return out;
    }

    /** Phase 1: a child with the ingestor heap takes every record but the end, then stops cleanly. */
    private byte[] ingest(TopicSender sender, Map<String, String> settings, String id, SimulatorConfig sim)
            throws IOException {
        bench.progress().accept(String.format(Locale.ROOT, "seal-heap: ingesting %.1f s of 16 radars at 100 Hz"
                + " (-Xmx%dm)",
                sim.durationUs() / 1e6, ingestHeapMib));
        try (IngestorProcess ingestor = bench.start("seal-heap-ingestor", settings, ingestHeapMib)) {
            ingestor.awaitRunning(BenchClients.PHASE_TIMEOUT);
            byte[] end = null;
            for (Iterator<SimRecord> it = new VehicleSimulator(sim).records(); it.hasNext(); ) {
                SimRecord r = it.next();
                if (r.frame() instanceof EndFrame) {
                    end = r.value();
                } else {
                    sender.send(id, r.value());
                }
            }
            sender.flush();
            long deadline = System.nanoTime() + BenchClients.PHASE_TIMEOUT.toNanos();
            while (ingestor.acceptedRecords(id) < sender.records()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("recording " + id + " was not accepted completely within "
                            + BenchClients.PHASE_TIMEOUT.toMinutes() + " min");
                }
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
            ingestor.stop();
            if (end == null) {
                throw new IllegalStateException("the simulator made no end record");
            }
            return end;
        }
    }

    private static long lastAfter(List<GcLog.Collection> gcs, long beforeMillis) {
        long v = -1;
        for (GcLog.Collection c : gcs) {
            if (c.timeMillis() < beforeMillis) {
                v = c.afterMib();
            }
        }
        return v;
    }
}
