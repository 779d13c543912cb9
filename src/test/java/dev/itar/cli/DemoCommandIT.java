package dev.itar.cli;

import dev.itar.archive.ArchiveVerifier;
import dev.itar.archive.FileDigests;
import dev.itar.sim.SimulatorConfig;
import dev.itar.sim.VehicleSimulator;
import dev.itar.zarr.Node;
import dev.itar.zarr.ZarrArchiveReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's main-job command end to end: embedded broker, ingest, simulator, sealed archive; twice. */
class DemoCommandIT {
    private static final Pattern FRAME_GROUP = Pattern.compile("(cameras|lidars|radars)/([^/]+)/frames/\\d+");

    private record Run(int exitCode, String out, String err) {
    }

    private static Run demo(Path archives) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("demo", "--archive-dir", archives.toString(), "--duration", "3");
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void demoSealsAVerifiedArchiveAndARerunReplacesItWithIdenticalBytes(@TempDir Path archives) throws Exception {
        Set<Thread> threadsBefore = nonDaemonThreads();

        Run first = demo(archives);
        assertThat(first.exitCode()).as("stdout:%n%s%nstderr:%n%s", first.out(), first.err()).isZero();
        Path archive = archives.resolve("demo-veh1.ncore4.zarr.itar");
        assertThat(archive).isRegularFile();
        assertThat(archives.resolve("demo-veh1.json")).isRegularFile();
        assertThat(ArchiveVerifier.containerProblems(archive)).isEmpty();
        String sha = FileDigests.sha256(archive);
        assertThat(first.out()).contains("demo-veh1").contains(sha).contains("ok (container valid");
        assertThat(first.err()).contains("sealed 1/1");

        VehicleSimulator simulator = new VehicleSimulator(SimulatorConfig.builder().durationSeconds(3).seed(1)
                .recordingPrefix(DemoCommand.RECORDING_PREFIX).build());
        assertThat(simulator.recordingIds()).containsExactly("demo-veh1");
        assertThat(framesPerSensor(archive)).isEqualTo(simulator.framesPerSensor());

        Run second = demo(archives);
        assertThat(second.exitCode()).as("stdout:%n%s%nstderr:%n%s", second.out(), second.err()).isZero();
        assertThat(FileDigests.sha256(archive)).as("same seed, same bytes").isEqualTo(sha);
        try (var files = Files.list(archives)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .as("no temp files left behind").containsExactly("demo-veh1.json", "demo-veh1.ncore4.zarr.itar");
        }
        assertThat(awaitNoNewNonDaemonThreads(threadsBefore)).as("threads left running by the demo").isEmpty();
    }

    private static SortedMap<String, Long> framesPerSensor(Path archive) throws Exception {
        SortedMap<String, Long> frames = new TreeMap<>();
        try (ZarrArchiveReader reader = ZarrArchiveReader.open(archive)) {
            for (Node node : reader.nodes().values()) {
                Matcher m = FRAME_GROUP.matcher(node.path());
                if (!node.isArray() && m.matches()) {
                    frames.merge(m.group(2), 1L, Long::sum);
                }
            }
        }
        return frames;
    }

    private static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon())
                .collect(Collectors.toSet());
    }

    /** Bounded: threads that are shutting down get 10 s in all to finish; we join them rather than poll. */
    private static Set<String> awaitNoNewNonDaemonThreads(Set<Thread> before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread t : nonDaemonThreads()) {
            long left = deadline - System.nanoTime();
            if (!before.contains(t) && left > 0) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        return nonDaemonThreads().stream().filter(t -> !before.contains(t)).map(Thread::getName)
                .collect(Collectors.toSet());
    }
}
