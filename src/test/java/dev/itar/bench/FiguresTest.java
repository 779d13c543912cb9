package dev.itar.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FiguresTest {
    @Test
    void printsSectionsFiguresFailuresAndNotesInOrder() {
        Figures f = new Figures().section("rig: two vehicles").put("rig_mb_s", 56.25).put("rig_records", 2084)
                .fail("ingestor_rss_mib", "the ingestor died\n(OutOfMemoryError)").note("rig_note", "a b");
        assertThat(f.lines()).containsExactly("# rig: two vehicles", "rig_mb_s 56.250", "rig_records 2084",
                "ingestor_rss_mib failed: the ingestor died (OutOfMemoryError)", "rig_note a b");
        assertThat(f.value("rig_mb_s")).hasValue(56.25);
        assertThat(f.failed("ingestor_rss_mib")).isTrue();
        assertThat(f.value("ingestor_rss_mib")).isEmpty();
    }

    @Test
    void formatsLikeTheBenchAlwaysDid() {
        assertThat(Figures.format(3)).isEqualTo("3");
        assertThat(Figures.format(0.0754)).isEqualTo("0.075");
        assertThat(Figures.format(301.26)).isEqualTo("301.3");
        assertThat(Figures.format(Double.NaN)).isEqualTo("NaN");
    }

    @Test
    void aNameIsReportedOnce() {
        Figures f = new Figures().put("a", 1);
        assertThatThrownBy(() -> f.fail("a", "x")).hasMessageContaining("figure a reported twice");
        assertThatThrownBy(() -> f.append(new Figures().putAll(Map.of("a", 2.0))))
                .hasMessageContaining("figure a reported twice");
    }
}
