package dev.itar.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusSamplesTest {
    private static final String TEXT = """
            # HELP itar_records_accepted_total Wire records accepted into a recording, by wire type.
            # TYPE itar_records_accepted_total counter
            itar_records_accepted_total{type="camera"} 12
            itar_records_accepted_total{type="pose"} 30
            itar_records_accepted_total_other 99
            itar_seal_duration_seconds_max 1.5
            kafka_streams_x{client_id="a b"} NaN
            """;

    @Test
    void readsSamplesByNameAndLabels() {
        Map<String, Double> m = PrometheusSamples.parse(TEXT);
        assertThat(m).containsEntry("itar_records_accepted_total{type=\"pose\"}", 30.0)
                .containsEntry("itar_seal_duration_seconds_max", 1.5)
                .containsKey("kafka_streams_x{client_id=\"a b\"}");
        assertThat(m.get("kafka_streams_x{client_id=\"a b\"}")).isNaN();
    }

    @Test
    void sumsOneMetricOverItsLabelsOnly() {
        assertThat(PrometheusSamples.sum(PrometheusSamples.parse(TEXT), "itar_records_accepted_total")).isEqualTo(42);
        assertThat(PrometheusSamples.sum(PrometheusSamples.parse(TEXT), "itar_dead_letters_total")).isZero();
    }

    @Test
    void aLineWithoutValueIsAnError() {
        assertThatThrownBy(() -> PrometheusSamples.parse("lonely\n")).hasMessageContaining("'lonely'");
    }
}
