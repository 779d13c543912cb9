package dev.itar.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Argument handling of the child-process entry point and the builder; no broker is started. */
class EmbeddedKafkaBrokerTest {

    @Test
    void mainRequiresALogDir() {
        assertThatThrownBy(() -> ChildProcessBroker.Main.parse(new String[] {"--port", "9092"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--log-dir is required");
    }

    @Test
    void mainRejectsUnknownOptions() {
        assertThatThrownBy(() -> ChildProcessBroker.Main.parse(new String[] {"--log-dir", "/tmp/x", "--verbose", "1"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown option '--verbose'");
    }

    @Test
    void mainRejectsAnOptionWithoutValue() {
        assertThatThrownBy(() -> ChildProcessBroker.Main.parse(new String[] {"--log-dir"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("option --log-dir needs a value");
    }

    @Test
    void mainRejectsPropWithoutEquals() {
        assertThatThrownBy(() -> ChildProcessBroker.Main.parse(
                new String[] {"--log-dir", "/tmp/x", "--prop", "log.retention.ms"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--prop wants key=value, got 'log.retention.ms'");
    }

    @Test
    void mainAcceptsAllOptions() {
        EmbeddedKafkaBroker.Builder b = ChildProcessBroker.Main.parse(new String[] {
                "--log-dir", "/tmp/x", "--port", "9092", "--controller-port", "9093", "--prop", "a.b=c=d"});
        assertThat(b.logDirOption()).isEqualTo(Path.of("/tmp/x"));
        assertThat(b.portOption()).isEqualTo(9092);
        assertThat(b.controllerPortOption()).isEqualTo(9093);
        assertThat(b.propertiesOption()).containsExactly(java.util.Map.entry("a.b", "c=d"));
    }

    @Test
    void builderRejectsPortOutOfRange() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().port(70000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be 0 (pick a free one) or 1..65535, was 70000");
    }

    @Test
    void freePortsAreDistinctFromTheOnesToAvoid() {
        int a = EmbeddedKafkaBroker.freePort();
        int b = EmbeddedKafkaBroker.freePort(a);
        assertThat(b).isNotEqualTo(a).isBetween(1, 65535);
    }

    @Test
    void childStartFailsWithTheReasonWhenTheLogDirCannotBeCreated(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> ChildProcessBroker.start(file.resolve("kafka")))
                .hasMessageContaining("cannot create Kafka log dir " + file.resolve("kafka"));
    }
}
