package dev.itar.cli;

import dev.itar.kafka.KafkaBrokerExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code run} as a child process of the shaded jar: starts, reaches RUNNING, and exits 0 on SIGTERM. */
class RunCommandIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path tmp;

    @Test
    void runsUntilSigtermThenClosesAndExitsZero() throws Exception {
        Path jar = Path.of(System.getProperty("itar.jar", "target/itar-ingest.jar"));
        assertThat(jar).as("shaded jar (built by mvn verify)").exists();
        Path config = tmp.resolve("ingest.properties");
        Files.writeString(config, String.join("\n",
                "topic.partitions=1",
                "topic.replication.factor=1",
                "topic.frames=run-it-frames",
                "topic.dead.letters=run-it-dlq",
                "topic.sealed=run-it-sealed",
                "application.id=run-it",
                "consumer.session.timeout.ms=6000",
                "http.port=0",
                "archive.dir=" + tmp.resolve("archives"),
                "state.dir=" + tmp.resolve("state"), ""));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", jar.toString(), "dev.itar.cli.RunCommand", "--config", config.toString())
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("ITAR_")); // only the file configures this run
        pb.environment().put("ITAR_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
        Process p = pb.start();
        p.getOutputStream().close();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (java.io.IOException ignored) {
                // process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            StringBuilder seen = new StringBuilder();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            boolean running = false;
            while (!running && System.nanoTime() < deadline && p.isAlive()) {
                String line = lines.poll(200, TimeUnit.MILLISECONDS);
                if (line != null) {
                    seen.append(line).append('\n');
                    running = line.contains("-> RUNNING");
                }
            }
            assertThat(running).as("reached RUNNING; output:\n%s", seen).isTrue();

            p.toHandle().destroy(); // SIGTERM (Process.destroy() would also close our end of its output)
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
            reader.join(5000);
            List<String> rest = List.copyOf(lines);
            assertThat(p.exitValue()).as("exit status; output:\n%s%s", seen, String.join("\n", rest)).isZero();
            assertThat(String.join("\n", rest)).contains("shutdown requested").contains("ingest stopped");
        } finally {
            p.destroyForcibly();
        }
    }
}
