package dev.itar.bench;

import dev.itar.frames.EndFrame;
import dev.itar.ingest.IngestConfig;
import dev.itar.kafka.EmbeddedKafkaBroker;
import dev.itar.sim.SimRecord;
import dev.itar.sim.SimulatorConfig;
import dev.itar.sim.VehicleSimulator;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 13's seal figures, measured on the running application (a child JVM running {@code run}, shipped defaults
 * with {@code num.stream.threads=2}), from outside:
 *
 * <ul>
 *   <li>{@code seal_latency_s}: a production-rig recording of {@code seconds} (the size without --quick) is
 *       produced without its {@code end}; once the application has accepted all of it ({@code /recordings}), the
 *       {@code end} is produced. Latency = from the broker's append time of that {@code end} (the frames topic uses
 *       {@code LogAppendTime}) until the recording's sealed event is readable with {@code read_committed}.</li>
 *   <li>{@code seal_latency_growth}: that latency ÷ the same for a recording a quarter as long, sealed before it.
 *       Both are measured as a long-running application seals: after a short recording and one of each size were
 *       sealed first, whose latencies are reported too ({@code seal_first_latency_s},
 *       {@code seal_first_quarter_latency_s}). A JVM's first seals run the seal's loops before they are compiled,
 *       while the compiler takes the other core; a fleet ingestor does that once, not per recording.</li>
 *   <li>{@code stall_ms}: a third recording keeps flowing all the while — pose records only, 50 per second, on
 *       the <em>same partition</em> as the large one (so the same task and stream thread: the recordings that wait
 *       today). Its progress is read from {@code /metrics} every {@value #POLL_MS} ms: the application's
 *       {@code itar_records_accepted_total{type="pose"}}, which in the seal windows only that recording moves (the
 *       sealed recordings are fully accepted before their {@code end}; {@code end} is not a pose).
 *       A check at the end confirms it: the counter equals the flowing recording's poses in {@code /recordings}
 *       plus the poses of the sealed ones. stall_ms = the longest time the counter stood still in a stretch that
 *       overlaps either large recording's seal window ({@link CounterSamples}).</li>
 * </ul>
 *
 * <p>Why {@code /metrics} and not {@code /recordings} for the polling: {@code /recordings} reads the whole state
 * store and decodes every frame description on each request — work on the measured process's cores that grows with
 * the recording being sealed (several times the cost of {@code /metrics} with a long production recording open) —
 * while {@code /metrics?name[]=itar_records_accepted_total} renders only the counter asked for (the whole exposition,
 * every Kafka client metric included, would take a share of the cores the seal runs on at this polling rate). It is
 * polled only around each seal (a baseline stretch before the {@code end}, the seal, until the counter moves again),
 * and its request times are reported ({@code stall_poll_mean_ms}, {@code stall_poll_slowest_ms}): they bound the
 * stall figure's resolution. {@code /recordings} is read at a slow pace, to see when a recording has been accepted
 * completely, and once for the check.
 *
 * <p>Idle sealing is pushed out of the way ({@code recording.idle.timeout.ms} one hour): the flowing recording keeps
 * the partition's stream time moving while the application works through the large recording's backlog, and the
 * shipped minute could seal a recording as idle before its {@code end} arrives.
 */
final class SealLatencyBenchmark {
    static final int POLL_MS = 100;
    private static final String ACCEPTED = "itar_records_accepted_total";
    private static final String POSES_ACCEPTED = ACCEPTED + "{type=\"pose\"}";
    private static final int FLOWING_HZ = 50;
    private static final long BASELINE_MS = 2_000;
    private static final long WARMUP_US = 500_000;

    private final Workbench bench;
    private final RigDrive drive;
    private final double seconds;
    private final int heapMib;

    SealLatencyBenchmark(Workbench bench, RigDrive drive, double seconds, int heapMib) {
        this.bench = bench;
        this.drive = drive;
        this.seconds = seconds;
        this.heapMib = heapMib;
    }

    /** What one recording's seal looked like. */
    private record Seal(long records, long recordBytes, double latencySeconds, long stallMillis, long baselineMillis,
                        SealedEvents.Sealed event) {
    }

    Figures run() throws IOException, InterruptedException {
        Figures out = new Figures().section(String.format(Locale.ROOT, "seal: a %.1f s and a %.2f s recording (%s)"
                + " sealed by the running application (-Xmx%dm child JVM), another recording flowing on the same"
                + " partition", seconds, seconds / 4, drive.describe(), heapMib));
        try (EmbeddedKafkaBroker broker = bench.startBroker()) {
            Map<String, String> settings = bench.application("seal", broker,
                    Map.of(IngestConfig.RECORDING_IDLE_TIMEOUT_MS, "3600000"));
            IngestConfig config = IngestConfig.of(settings);
            String large = BenchClients.keyOnPartition("seal-large", 0, config.topicPartitions());
            String warmup = BenchClients.keyOnPartition("seal-warmup", 0, config.topicPartitions());
            String quarter = BenchClients.keyOnPartition("seal-quarter", 0, config.topicPartitions());
            String largeFirst = BenchClients.keyOnPartition("seal-large-first", 0, config.topicPartitions());
            String quarterFirst = BenchClients.keyOnPartition("seal-quarter-first", 0, config.topicPartitions());
            String flowing = BenchClients.keyOnPartition("seal-flowing", 0, config.topicPartitions());

            try (SealedEvents sealed = new SealedEvents(broker.bootstrapServers(), config.sealedTopic());
                 IngestorProcess ingestor = bench.start("seal-ingestor", settings, heapMib);
                 TopicSender sender = new TopicSender(BenchClients.producer(broker.bootstrapServers()),
                         config.framesTopic())) {
                ingestor.awaitRunning(BenchClients.PHASE_TIMEOUT);
                PollStats polls = new PollStats();
                AtomicLong flowingSent = new AtomicLong();
                try (Background flow = Background.start("seal-flowing-recording",
                        stop -> flow(broker.bootstrapServers(), config.framesTopic(), flowing, flowingSent, stop))) {
                    long quarterUs = Math.round(seconds * 1e6 / 4);
                    long largeUs = Math.round(seconds * 1e6);
                    Seal w = seal(sender, ingestor, sealed, warmup, Math.min(quarterUs, WARMUP_US), flow, polls);
                    Seal q1 = seal(sender, ingestor, sealed, quarterFirst, quarterUs, flow, polls);
                    Seal l1 = seal(sender, ingestor, sealed, largeFirst, largeUs, flow, polls);
                    Seal q = seal(sender, ingestor, sealed, quarter, quarterUs, flow, polls);
                    Seal l = seal(sender, ingestor, sealed, large, largeUs, flow, polls);
                    flow.stop();
                    long flowingPoses = check(ingestor, flowing, flowingSent.get(), List.of(w, q1, l1, q, l));

                    out.put("seal_latency_s", l.latencySeconds());
                    out.put("seal_latency_growth", l.latencySeconds() / q.latencySeconds());
                    out.put("stall_ms", Math.max(l1.stallMillis(), l.stallMillis()));
                    out.put("seal_large_records", l.records());
                    out.put("seal_large_record_bytes", l.recordBytes());
                    out.put("seal_large_sensor_s", l.event().sensorSeconds());
                    out.put("seal_large_archive_bytes", l.event().archiveBytes());
                    out.put("seal_quarter_latency_s", q.latencySeconds());
                    out.put("seal_quarter_record_bytes", q.recordBytes());
                    out.put("seal_quarter_archive_bytes", q.event().archiveBytes());
                    out.put("stall_quarter_ms", Math.max(q1.stallMillis(), q.stallMillis()));
                    out.put("seal_first_latency_s", l1.latencySeconds());
                    out.put("seal_first_quarter_latency_s", q1.latencySeconds());
                    out.put("seal_warmup_latency_s", w.latencySeconds());
                    out.put("stall_baseline_ms", Math.max(Math.max(q1.baselineMillis(), l1.baselineMillis()),
                            Math.max(q.baselineMillis(), l.baselineMillis())));
                    out.put("stall_poll_ms", POLL_MS);
                    out.put("stall_poll_mean_ms", polls.meanMillis());
                    out.put("stall_poll_slowest_ms", polls.slowestMillis());
                    out.put("stall_flowing_poses", flowingPoses);
                    out.put("seal_app_seal_max_s", ingestor.metrics().getOrDefault("itar_seal_duration_seconds_max",
                            Double.NaN));
                    out.put("seal_ingestor_rss_mib", ingestor.peakRssMib());
                    ingestor.stop();
                } catch (IngestorProcess.IngestorDied e) {
                    bench.progress().accept("seal: " + e.getMessage());
                    for (String f : new String[] {"seal_latency_s", "seal_latency_growth", "stall_ms"}) {
                        out.fail(f, "the ingestor died (" + e.reason() + "; the end of its log is on stderr)");
                    }
                }
            }
        }
        return out;
    }

    /**
     * Produces one recording without its end and waits until it is all accepted; then, watching the flowing
     * recording, waits a baseline stretch, produces the end and times the seal.
     */
    private Seal seal(TopicSender sender, IngestorProcess ingestor, SealedEvents sealed, String id, long durationUs,
                      Background flow, PollStats polls) throws InterruptedException {
        bench.progress().accept(String.format(Locale.ROOT, "seal: producing %s, %.2f s of the drive", id,
                durationUs / 1e6));
        long records0 = sender.records();
        long bytes0 = sender.bytes();
        try (RigDrive.Records records = drive.recording(durationUs, false)) {
            while (records.hasNext()) {
                sender.send(id, records.next());
            }
        }
        sender.flush();
        long records = sender.records() - records0;
        long bytes = sender.bytes() - bytes0;
        bench.progress().accept("seal: waiting until the application has accepted all " + records + " records of "
                + id);
        long deadline = System.nanoTime() + BenchClients.PHASE_TIMEOUT.toNanos();
        while (ingestor.acceptedRecords(id) < records) {
            flow.requireRunning();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("recording " + id + " was not accepted completely within "
                        + BenchClients.PHASE_TIMEOUT.toMinutes() + " min: " + ingestor.acceptedRecords(id) + " of "
                        + records + " records");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
        CounterSamples poses = new CounterSamples();
        try (Background sampler = Background.start("seal-accepted-sampler",
                stop -> sample(ingestor, poses, polls, stop))) {
            // a stretch with the flowing recording accepted and nothing sealing: what stall_ms reads without a stall
            long baselineFrom = System.currentTimeMillis();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(BASELINE_MS));
            sampler.requireRunning();
            long baseline = poses.longestGapMillis(baselineFrom, System.currentTimeMillis());

            bench.progress().accept("seal: end of " + id + "; timing its seal");
            byte[] end = drive.end(durationUs);
            long appended = sender.sendAndAwaitAppend(id, end);
            SealedEvents.Sealed event = sealed.await(id, BenchClients.PHASE_TIMEOUT, ingestor);
            if (!event.trigger().equals("end") || event.records() != records + 1) {
                throw new IllegalStateException("recording " + id + " was sealed by '" + event.trigger() + "' with "
                        + event.records() + " records, expected 'end' with " + (records + 1));
            }
            // the stretch the counter stood still may end after the seal: watch until it moves again
            awaitMove(poses, event.seenMillis(), flow, sampler);
            sampler.stop();
            long stall = poses.longestGapMillis(appended, event.seenMillis());
            return new Seal(records + 1, bytes + end.length, (event.seenMillis() - appended) / 1e3, stall, baseline,
                    event);
        }
    }

    /** Waits (bounded) until the counter has moved after {@code millis}, so a stall spanning it is seen whole. */
    private static void awaitMove(CounterSamples samples, long millis, Background flow, Background sampler) {
        long deadline = System.nanoTime() + BenchClients.PHASE_TIMEOUT.toNanos();
        while (true) {
            flow.requireRunning();
            sampler.requireRunning();
            long before = -1;
            for (CounterSamples.Sample s : samples.samples()) {
                if (s.timeMillis() <= millis) {
                    before = s.count();
                } else if (before >= 0 && s.count() != before) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the flowing recording was not accepted any more after the seal");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MS));
        }
    }

    /** The flowing recording: pose records at {@value #FLOWING_HZ} Hz of wall clock until stopped. */
    private static void flow(String bootstrap, String topic, String id, AtomicLong sent, AtomicBoolean stop)
            throws Exception {
        SimulatorConfig config = SimulatorConfig.builder().cameras(0).lidars(0).radars(0).durationSeconds(24 * 3600)
                .poseHz(FLOWING_HZ).seed(7).build();
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / FLOWING_HZ;
        try (TopicSender sender = new TopicSender(BenchClients.producer(bootstrap, 0), topic)) {
            long next = System.nanoTime();
            for (Iterator<SimRecord> it = new VehicleSimulator(config).records(); it.hasNext() && !stop.get(); ) {
                SimRecord r = it.next();
                if (r.frame() instanceof EndFrame) {
                    break;
                }
                sender.send(id, r.value());
                sent.incrementAndGet();
                next += periodNanos;
                LockSupport.parkNanos(next - System.nanoTime());
            }
            sender.flush();
        }
    }

    /**
     * Reads the application's accepted-pose counter, stamped mid-request, {@value #POLL_MS} ms after the previous
     * answer: a pause after each request, not a fixed rate, so a slow answer cannot make the polling continuous.
     */
    private static void sample(IngestorProcess ingestor, CounterSamples samples, PollStats polls, AtomicBoolean stop) {
        while (!stop.get()) {
            long a = System.currentTimeMillis();
            double poses = ingestor.metrics(ACCEPTED).getOrDefault(POSES_ACCEPTED, 0.0);
            long b = System.currentTimeMillis();
            samples.add((a + b) / 2, (long) poses);
            polls.add(b - a);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MS));
        }
    }

    /** How long the status requests took: the resolution of the stall figure, and what watching cost. */
    private static final class PollStats {
        private long count;
        private long totalMillis;
        private long slowestMillis;

        synchronized void add(long millis) {
            count++;
            totalMillis += millis;
            slowestMillis = Math.max(slowestMillis, millis);
        }

        synchronized double meanMillis() {
            return count == 0 ? Double.NaN : (double) totalMillis / count;
        }

        synchronized long slowestMillis() {
            return slowestMillis;
        }
    }

    /**
     * Once the flowing recording's last record is in, the pose counter must be its poses plus those of the two sealed
     * recordings, or the stall figure watched something else. Returns the flowing recording's poses.
     */
    private static long check(IngestorProcess ingestor, String flowing, long flowingSent, List<Seal> sealedOnes) {
        long deadline = System.nanoTime() + BenchClients.PHASE_TIMEOUT.toNanos();
        while (ingestor.acceptedRecords(flowing) < flowingSent) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the flowing recording " + flowing + " was not accepted completely: "
                        + ingestor.acceptedRecords(flowing) + " of " + flowingSent + " records");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MS));
        }
        long open = -1;
        for (var r : ingestor.recordings().path("recordings")) {
            if (r.path("recording_id").asText().equals(flowing)) {
                open = r.path("records").path("pose").asLong();
            }
        }
        double counter = ingestor.metrics().getOrDefault(POSES_ACCEPTED, 0.0);
        List<Long> sealedPoses = sealedOnes.stream().map(x -> x.event().records("pose")).toList();
        long expected = open + sealedPoses.stream().mapToLong(Long::longValue).sum();
        if (open < 0 || counter != expected) {
            throw new IllegalStateException("the accepted-pose counter (" + counter + ") is not the flowing recording's"
                    + " poses (" + open + ") plus the sealed recordings' " + sealedPoses + ": stall_ms would not"
                    + " measure the flowing recording");
        }
        return open;
    }

    /** A daemon thread doing one job until told to stop; its failure fails the benchmark. */
    private static final class Background implements AutoCloseable {
        interface Job {
            void run(AtomicBoolean stop) throws Exception;
        }

        private final Thread thread;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        private Background(String name, Job job) {
            thread = new Thread(() -> {
                try {
                    job.run(stop);
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, name);
            thread.setDaemon(true);
        }

        static Background start(String name, Job job) {
            Background b = new Background(name, job);
            b.thread.start();
            return b;
        }

        void requireRunning() {
            Throwable t = failure.get();
            if (t instanceof IngestorProcess.IngestorDied d) {
                throw d;
            }
            if (t != null) {
                throw new IllegalStateException(thread.getName() + " failed: " + t, t);
            }
            if (!thread.isAlive() && !stop.get()) {
                throw new IllegalStateException(thread.getName() + " ended early");
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(30));
            Throwable t = failure.get();
            if (t != null) {
                requireRunning();
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
