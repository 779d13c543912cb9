package dev.itar.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class SimulateCommandTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void badSimulatorOptionsAreUsageErrorsNamingTheOption() {
        Run run = run("simulate", "--vehicles", "0");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("vehicles must be between 1 and 10000, got 0");

        run = run("simulate", "--image-size", "320");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--image-size must be WIDTHxHEIGHT, e.g. 320x240; got '320'");

        run = run("simulate", "--recording-prefix", "a/b");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("recording-prefix 'a/b' does not make valid recording ids");
    }

    @Test
    void helpListsTheOptions() {
        Run run = run("simulate", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--bootstrap-servers", "--duration=SECONDS", "--camera-hz", "--lidar-rays",
                "--realtime", "--recording-prefix", "--[no-]labels");
    }

    @Test
    void labelsAreSentUnlessNoLabelsSaysOtherwise() {
        SimulateCommand options = new SimulateCommand();
        new CommandLine(options).parseArgs();
        assertThat(options.config().labels()).isTrue();
        options = new SimulateCommand();
        new CommandLine(options).parseArgs("--no-labels");
        assertThat(options.config().labels()).isFalse();
    }
}
