package dev.itar.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RunCommandTest {

    @Test
    void readsTheGivenFileAndTheEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ingest.properties");
        Files.writeString(file, "archive.dir=/data/archives\nrecording.idle.timeout.ms=5000\n");
        RunCommand cmd = new RunCommand(Map.of("ITAR_BOOTSTRAP_SERVERS", "kafka:9092"));
        new CommandLine(cmd).parseArgs("--config", file.toString());
        var config = cmd.loadConfig();
        assertThat(config.archiveDir()).isEqualTo(Path.of("/data/archives"));
        assertThat(config.recordingIdleTimeout().toMillis()).isEqualTo(5000);
        assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
    }

    @Test
    void anInvalidConfigurationExitsWith2BeforeConnecting(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "recording.idle.timeout.ms=never\n");
        CommandLine cl = new CommandLine(new RunCommand(Map.of()));
        assertThat(cl.execute("--config", file.toString())).isEqualTo(2);
        assertThat(cl.execute("--config", dir.resolve("missing.properties").toString())).isEqualTo(2);
    }

    @Test
    void helpDescribesConfiguration() {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new RunCommand(Map.of()));
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("--help")).isZero();
        assertThat(out.toString()).contains("--config").contains("ITAR_BOOTSTRAP_SERVERS");
    }
}
