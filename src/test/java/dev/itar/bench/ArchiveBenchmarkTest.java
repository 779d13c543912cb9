package dev.itar.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveBenchmarkTest {
    @Test
    void quickRunReportsPositiveFigures(@TempDir Path dir) throws Exception {
        Map<String, Double> figures = ArchiveBenchmark.run(dir, true);
        assertThat(figures).containsKeys("archive_write_vs_filechannel", "index_load_ms_100k_keys");
        assertThat(figures.values()).allSatisfy(v -> assertThat(v).isPositive());
    }
}
