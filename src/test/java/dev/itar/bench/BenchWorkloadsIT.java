package dev.itar.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.itar.cli.Main;
import dev.itar.sim.SimulatorConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workloads that run the application in a child JVM, end to end at tiny sizes: each reports its figures, and
 * the context figures agree with what was sent. (What the figures are worth is measured by {@code bench}, not
 * asserted here.)
 */
class BenchWorkloadsIT {
    private static final IngestorCommand RUN = new IngestorCommand(List.of(Main.class.getName(), "run"));
    /** A small rig: its records are the production rig's kinds, at a size a test can afford. */
    private static final SimulatorConfig TINY_RIG = SimulatorConfig.builder().cameras(2).imageSize(64, 48).lidars(1)
            .lidarRays(512).radars(1).durationSeconds(1).build();
    private static final Consumer<String> PROGRESS = msg -> System.err.println("[bench-it] " + msg);

    private static Workbench bench(Path dir) {
        return new Workbench(dir, RUN, Map.of(), PROGRESS);
    }

    @Test
    void rigWorkloadReportsThroughputAgainstTheCeilingAndTheIngestorsMemory(@TempDir Path dir) throws Exception {
        RigDrive drive = RigDrive.generate(dir.resolve("drive"), TINY_RIG, 1.5, PROGRESS);
        Figures f = new RigBenchmark(bench(dir.resolve("rig")), drive, 2, 1.5, 512).run();
        f.lines().forEach(PROGRESS);

        for (String name : List.of("rig_mb_s", "rig_realtime_factor", "rig_ingest_vs_consumer", "ingestor_rss_mib",
                "rig_wall_s", "rig_consumer_mb_s", "rig_archive_bytes", "ingestor_cpu_s", "rig_live_realtime_factor",
                "rig_live_wall_s", "ingestor_cpu_stream_s", "ingestor_cpu_jit_s", "rig_cold_realtime_factor",
                "rig_cold_wall_s", "rig_cpu_broker_s")) {
            assertThat(f.value(name)).as(name).isPresent();
            assertThat(f.value(name).getAsDouble()).as(name).isPositive();
        }
        // the measured round's share of each kind: present, and never more than the instance's whole life
        for (String kind : List.of("stream", "jit", "seal")) {
            assertThat(f.value("rig_cpu_" + kind + "_s").getAsDouble()).as(kind).isNotNegative()
                    .isLessThanOrEqualTo(f.value("ingestor_cpu_" + kind + "_s").getAsDouble());
        }
        assertThat(f.value("rig_sensor_s").getAsDouble()).isCloseTo(2 * 1.5, within(0.01));
        assertThat(f.value("rig_realtime_factor").getAsDouble() * f.value("rig_wall_s").getAsDouble())
                .isCloseTo(f.value("rig_sensor_s").getAsDouble(), within(0.01));
        assertThat(f.value("ingestor_heap_mib")).hasValue(512);
    }

    @Test
    void sealWorkloadTimesTwoSealsAndWatchesAnotherRecording(@TempDir Path dir) throws Exception {
        RigDrive drive = RigDrive.generate(dir.resolve("drive"), TINY_RIG, 2, PROGRESS);
        Figures f = new SealLatencyBenchmark(bench(dir.resolve("seal")), drive, 2, 512).run();
        f.lines().forEach(PROGRESS);

        assertThat(f.value("seal_latency_s").getAsDouble()).isPositive();
        assertThat(f.value("seal_quarter_latency_s").getAsDouble()).isPositive();
        assertThat(f.value("seal_latency_growth").getAsDouble()).isCloseTo(
                f.value("seal_latency_s").getAsDouble() / f.value("seal_quarter_latency_s").getAsDouble(),
                within(1e-9));
        assertThat(f.value("stall_ms").getAsDouble()).isPositive();
        assertThat(f.value("stall_baseline_ms").getAsDouble()).isPositive();
        assertThat(f.value("seal_large_sensor_s").getAsDouble()).isCloseTo(2, within(0.01));
        assertThat(f.value("seal_large_record_bytes").getAsDouble())
                .isGreaterThan(3 * f.value("seal_quarter_record_bytes").getAsDouble());
        assertThat(f.value("stall_flowing_poses").getAsDouble()).isPositive();
    }

    @Test
    void failoverWorkloadTimesATakeoverWithAndWithoutAStandby(@TempDir Path dir) throws Exception {
        RigDrive drive = RigDrive.generate(dir.resolve("drive"), TINY_RIG, 1, PROGRESS);
        Figures f = new FailoverBenchmark(bench(dir.resolve("failover")), drive, 1, 512).run();
        f.lines().forEach(PROGRESS);

        // both include the killed instance's session timing out: the session timeout counts from its last
        // heartbeat, which came up to one heartbeat interval before the SIGKILL
        double noticed = (6000 - 1500) / 1000.0;
        assertThat(f.value("failover_session_timeout_ms").getAsDouble()).isEqualTo(6000);
        assertThat(f.value("failover_resume_s").getAsDouble()).isGreaterThan(noticed);
        assertThat(f.value("failover_resume_standby_s").getAsDouble()).isGreaterThan(noticed);
        // without a standby the survivor restores the open recording's changelog: at least a record per frame
        long frames = Math.round(TINY_RIG.cameras() * TINY_RIG.frameCount(TINY_RIG.cameraHz())
                + TINY_RIG.lidars() * TINY_RIG.frameCount(TINY_RIG.lidarHz()));
        assertThat(f.value("failover_restored_records").getAsDouble()).isGreaterThanOrEqualTo(frames);
        assertThat(f.value("failover_restored_records_standby").getAsDouble())
                .isLessThan(f.value("failover_restored_records").getAsDouble());
        assertThat(f.value("failover_records").getAsDouble()).isGreaterThan(frames);
        assertThat(f.value("failover_record_bytes").getAsDouble()).isPositive();
    }

    @Test
    void sealHeapWorkloadSealsTheNodesInASmallHeapAndReadsItsCollectorsLog(@TempDir Path dir) throws Exception {
        Figures f = new SealHeapNodesBenchmark(bench(dir), 3_000, 256, 512).run();
        f.lines().forEach(PROGRESS);

        assertThat(f.value("seal_heap_mib_3k_nodes")).isPresent();
        assertThat(f.value("seal_heap_mib_3k_nodes").getAsDouble()).isBetween(1.0, 256.0);
        assertThat(f.value("seal_heap_nodes").getAsDouble()).isGreaterThanOrEqualTo(3_000);
        assertThat(f.value("seal_heap_records").getAsDouble()).isPositive();
        assertThat(f.value("seal_heap_xmx_mib")).hasValue(256);
    }
}
