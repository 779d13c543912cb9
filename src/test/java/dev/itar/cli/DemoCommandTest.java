package dev.itar.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** Option errors are reported before anything is started. */
class DemoCommandTest {

    private static String[] run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void badOptionsAreUsageErrorsNamingTheOption() {
        String[] run = run("demo", "--duration", "0");
        assertThat(run[0]).isEqualTo("2");
        assertThat(run[2]).contains("duration must be a positive number of seconds, got 0.0");

        run = run("demo", "--vehicles", "0");
        assertThat(run[0]).isEqualTo("2");
        assertThat(run[2]).contains("vehicles must be between 1 and 10000, got 0");

        run = run("demo", "--timeout", "0");
        assertThat(run[0]).isEqualTo("2");
        assertThat(run[2]).contains("--timeout must be > 0, got 0");
    }

    @Test
    void helpDescribesTheDefaults() {
        String[] run = run("demo", "--help");
        assertThat(run[0]).isEqualTo("0");
        assertThat(run[1]).contains("--archive-dir=DIR", "default: ./archives", "--duration=SECONDS", "default: 20",
                "--seed");
    }
}
