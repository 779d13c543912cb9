package dev.itar.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressLineTest {

    @Test
    void interactiveRewritesOneLineAndEndsItOnFinish() {
        StringWriter out = new StringWriter();
        ProgressLine line = new ProgressLine(new PrintWriter(out), true, 2_000);
        line.update("sent 10 records");
        line.finish("done");
        assertThat(out.toString()).isEqualTo("\rsent 10 records\rdone           " + System.lineSeparator());
    }

    @Test
    void plainOutputIsOneLinePerUpdateAndRateLimited() {
        StringWriter out = new StringWriter();
        ProgressLine line = new ProgressLine(new PrintWriter(out), false, 60_000);
        line.update("sent 1 record");
        line.update("sent 2 records"); // within the interval: dropped
        line.finish("done");
        assertThat(out.toString()).isEqualTo("sent 1 record" + System.lineSeparator() + "done" + System.lineSeparator());
    }
}
