package dev.itar.bench;

import dev.itar.ingest.IngestConfig;
import dev.itar.kafka.EmbeddedKafkaBroker;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 10's failover figures, on the running application: two instances (child JVMs running {@code run}, one stream
 * thread each, static members as a multi-instance deployment runs them) share the workload's two partitions. A
 * production-rig recording of {@code seconds} (about 1 GB without --quick) is produced, all but its last record,
 * onto the partition of one of them, the holder; once the holder has committed all of it (and, with a standby, the
 * other instance's standby has caught up with its changelog), the holder is killed with SIGKILL and the last record
 * produced.
 *
 * <ul>
 *   <li>{@code failover_resume_s}: from the SIGKILL until the survivor has accepted that record (its
 *       {@code itar_records_accepted_total} moves: it had accepted nothing before), with
 *       {@code num.standby.replicas=0} — the survivor restores the recording's whole changelog first;</li>
 *   <li>{@code failover_resume_standby_s}: the same with {@code num.standby.replicas=1}: the survivor holds a standby
 *       of the holder's task and restores only what it had not followed.</li>
 * </ul>
 *
 * Both include noticing the death: the holder's session must time out ({@code consumer.session.timeout.ms}, 6 s
 * here, the broker's default minimum), then the group rebalances. The survivor then seals the recording from its
 * {@code end}; the sealed event must count every record, or the figure is not reported. What the survivor restored is
 * reported beside each figure ({@code itar_restored_records_total{store="unsealed-archives"}}).
 */
final class FailoverBenchmark {
    private static final long POLL_MS = 100;
    private static final String UNSEALED = "unsealed-archives";
    private static final Map<String, String> SETTINGS = Map.of(
            "num.stream.threads", "1",
            IngestConfig.RECORDING_IDLE_TIMEOUT_MS, "3600000",
            "consumer.session.timeout.ms", "6000",
            "consumer.heartbeat.interval.ms", "1500",
            // the survivor's standby (or nothing) is what decides the task's place, not the 10 000-record default
            "acceptable.recovery.lag", "0");

    private final Workbench bench;
    private final RigDrive drive;
    private final double seconds;
    private final int heapMib;

    FailoverBenchmark(Workbench bench, RigDrive drive, double seconds, int heapMib) {
        this.bench = bench;
        this.drive = drive;
        this.seconds = seconds;
        this.heapMib = heapMib;
    }

    /** One failover: how long the survivor took, what it restored, what was sent. */
    private record Takeover(double resumeSeconds, long restoredRecords, long records, long recordBytes) {
    }

    Figures run() throws IOException, InterruptedException {
        Figures out = new Figures().section(String.format(Locale.ROOT, "failover: a %.1f s recording (%s) open on one"
                + " of two instances (-Xmx%dm child JVMs, one stream thread each, static members), SIGKILLed;"
                + " without and with a standby", seconds, drive.describe(), heapMib));
        try (EmbeddedKafkaBroker broker = bench.startBroker();
             Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     broker.bootstrapServers()))) {
            Takeover plain = takeover(broker, admin, "failover", 0);
            Takeover standby = takeover(broker, admin, "failover-standby", 1);
            out.put("failover_resume_s", plain.resumeSeconds());
            out.put("failover_resume_standby_s", standby.resumeSeconds());
            out.put("failover_restored_records", plain.restoredRecords());
            out.put("failover_restored_records_standby", standby.restoredRecords());
            out.put("failover_records", plain.records());
            out.put("failover_record_bytes", plain.recordBytes());
            out.put("failover_session_timeout_ms", Double.parseDouble(SETTINGS.get("consumer.session.timeout.ms")));
        }
        return out;
    }

    private Takeover takeover(EmbeddedKafkaBroker broker, Admin admin, String name, int standbys)
            throws IOException, InterruptedException {
        Map<String, String> workload = new LinkedHashMap<>(SETTINGS);
        workload.put("num.standby.replicas", Integer.toString(standbys));
        Map<String, String> settings = bench.application(name, broker, workload);
        IngestConfig config = IngestConfig.of(settings);
        String id = BenchClients.keyOnPartition(name + "-drive", 0, config.topicPartitions());
        long durationUs = Math.round(seconds * 1e6);

        try (SealedEvents sealed = new SealedEvents(broker.bootstrapServers(), config.sealedTopic());
             IngestorProcess a = bench.start(name + "-a", instance(settings, name, "a"), heapMib);
             IngestorProcess b = bench.start(name + "-b", instance(settings, name, "b"), heapMib);
             TopicSender sender = new TopicSender(BenchClients.producer(broker.bootstrapServers()),
                     config.framesTopic())) {
            a.awaitRunning(BenchClients.PHASE_TIMEOUT);
            b.awaitRunning(BenchClients.PHASE_TIMEOUT);
            awaitTwoMembersOnePartitionEach(admin, config, a, b);

            bench.progress().accept(String.format(Locale.ROOT, "%s: producing %s, %.1f s of the drive but its last"
                    + " record", name, id, seconds));
            byte[] last = null;
            try (RigDrive.Records records = drive.recording(durationUs, false)) {
                while (records.hasNext()) {
                    byte[] r = records.next();
                    if (last != null) {
                        sender.send(id, last);
                    }
                    last = r;
                }
            }
            sender.flush();
            long held = sender.records();
            awaitCommitted(admin, config, held, a, b);
            IngestorProcess holder = a.acceptedRecords(id) >= 0 ? a : b;
            IngestorProcess survivor = holder == a ? b : a;
            if (holder.acceptedRecords(id) != held) {
                throw new IllegalStateException("the holder accepted " + holder.acceptedRecords(id) + " of " + held
                        + " records of " + id);
            }
            if (standbys > 0) {
                awaitStandbyCaughtUp(survivor, config);
            }
            if (survivor.acceptedRecords() != 0) {
                throw new IllegalStateException("the survivor accepted records before the failover");
            }

            bench.progress().accept(name + ": SIGKILL of the instance holding " + id + " (" + held + " records)");
            long killed = System.nanoTime();
            holder.kill();
            sender.send(id, last);
            sender.flush();
            long deadline = killed + BenchClients.PHASE_TIMEOUT.toNanos();
            while (survivor.acceptedRecords() < 1) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the survivor did not accept " + id + "'s next record within "
                            + BenchClients.PHASE_TIMEOUT.toMinutes() + " min of the SIGKILL");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MS));
            }
            double resume = (System.nanoTime() - killed) / 1e9;
            long restored = Math.round(survivor.metrics().getOrDefault(
                    "itar_restored_records_total{store=\"" + UNSEALED + "\"}", 0.0));
            bench.progress().accept(String.format(Locale.ROOT, "%s: the survivor accepted the next record %.2f s"
                    + " after the SIGKILL, having restored %d records; sealing", name, resume, restored));

            sender.sendAndAwaitAppend(id, drive.end(durationUs));
            SealedEvents.Sealed event = sealed.await(id, BenchClients.PHASE_TIMEOUT, survivor);
            if (event.records() != held + 2) {
                throw new IllegalStateException("the survivor sealed " + id + " with " + event.records()
                        + " records, expected " + (held + 2));
            }
            survivor.stop();
            return new Takeover(resume, restored, held + 2, sender.bytes());
        }
    }

    /** Instance {@code suffix}: its own state directory, status port and static member id. */
    private Map<String, String> instance(Map<String, String> settings, String name, String suffix) {
        Map<String, String> m = new LinkedHashMap<>(settings);
        m.put(IngestConfig.STATE_DIR, bench.dir().resolve("state-" + name + "-" + suffix).toAbsolutePath()
                .toString());
        m.put(IngestConfig.HTTP_PORT, Integer.toString(Workbench.freePort()));
        m.put("group.instance.id", name + "-" + suffix);
        return m;
    }

    private static void awaitTwoMembersOnePartitionEach(Admin admin, IngestConfig config, IngestorProcess... all) {
        awaitTrue("both instances holding one partition each", all, () -> {
            ConsumerGroupDescription g;
            try {
                g = admin.describeConsumerGroups(List.of(config.applicationId())).all().get()
                        .get(config.applicationId());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupIdNotFoundException) {
                    return false;
                }
                throw new IllegalStateException("cannot describe group " + config.applicationId(), e.getCause());
            }
            return g.members().size() == 2 && g.members().stream().map(MemberDescription::assignment)
                    .allMatch(x -> x.topicPartitions().stream()
                            .filter(tp -> tp.topic().equals(config.framesTopic())).count() == 1);
        });
    }

    /** Waits until the group has committed {@code records} records of partition 0 (all that was sent). */
    private static void awaitCommitted(Admin admin, IngestConfig config, long records, IngestorProcess... all) {
        TopicPartition p0 = new TopicPartition(config.framesTopic(), 0);
        awaitTrue("the holder committing all " + records + " records", all, () -> {
            long end = admin.listOffsets(Map.of(p0, OffsetSpec.latest())).all().get().get(p0).offset();
            OffsetAndMetadata c = admin.listConsumerGroupOffsets(config.applicationId())
                    .partitionsToOffsetAndMetadata().get().get(p0);
            return end >= records && c != null && c.offset() >= end;
        });
    }

    /**
     * Waits until the survivor's standby has read its changelog to the end: its restore consumer's lag on the
     * unsealed-archives changelog (a Kafka client metric on {@code /metrics}) is 0.
     */
    private static void awaitStandbyCaughtUp(IngestorProcess survivor, IngestConfig config) {
        String topic = "topic=\"" + config.applicationId() + "-" + UNSEALED + "-changelog\"";
        awaitTrue("the survivor's standby catching up with the unsealed-archives changelog", new IngestorProcess[] {
                survivor}, () -> {
            List<Double> lags = survivor.metrics().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("kafka_consumer_fetch_manager_records_lag{")
                            && e.getKey().contains(topic) && e.getKey().contains("restore"))
                    .map(Map.Entry::getValue).toList();
            return !lags.isEmpty() && lags.stream().allMatch(l -> l == 0);
        });
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(String what, IngestorProcess[] alive, Check check) {
        long deadline = System.nanoTime() + BenchClients.PHASE_TIMEOUT.toNanos();
        while (true) {
            for (IngestorProcess p : alive) {
                p.requireAlive(what);
            }
            try {
                if (check.holds()) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("waiting for " + what + ": " + e.getMessage(), e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not happen within "
                        + BenchClients.PHASE_TIMEOUT.toMinutes() + " min");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MS));
        }
    }
}
