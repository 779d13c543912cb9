package dev.itar.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcLogTest {
    private static final List<String> LOG = List.of(
            "[1000ms] Using G1",
            "[1100ms] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 3.112ms",
            "[2000ms] GC(1) Pause Young (Concurrent Start) (G1 Humongous Allocation) 120M->90M(256M) 9.0ms",
            "[2001ms] GC(2) Concurrent Mark Cycle",
            "[2500ms] GC(2) Pause Remark 200M->150M(256M) 1.2ms",
            "[3000ms] GC(3) Pause Full (System.gc()) 2G->512K(4G) 60.3ms",
            "not a gc line 1M->2M(3M)");

    @Test
    void readsEveryPauseWithItsHeapFigures() {
        List<GcLog.Collection> c = GcLog.parse(LOG);
        assertThat(c).hasSize(4);
        assertThat(c.get(0)).isEqualTo(new GcLog.Collection(1100, "Pause Young (Normal) (G1 Evacuation Pause)", 24, 3,
                256));
        assertThat(c.get(2).what()).isEqualTo("Pause Remark");
        assertThat(c.get(3)).isEqualTo(new GcLog.Collection(3000, "Pause Full (System.gc())", 2048, 0, 4096));
    }

    @Test
    void aWindowTakesTheCollectionsInsideIt() {
        List<GcLog.Collection> c = GcLog.parse(LOG);
        assertThat(GcLog.window(c, 1500, 2600)).isEqualTo(new GcLog.Window(2, 200, 150));
        assertThat(GcLog.window(c, 3100, 4000)).isEqualTo(new GcLog.Window(0, -1, -1));
    }

    @Test
    void aMissingLogHasNoCollections(@TempDir Path dir) throws Exception {
        assertThat(GcLog.read(dir.resolve("none.log"))).isEmpty();
        Path f = dir.resolve("gc.log");
        Files.write(f, LOG, StandardCharsets.UTF_8);
        assertThat(GcLog.read(f)).hasSize(4);
    }

    @Test
    void theJvmWritesWhatTheParserReads(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("child-gc.log");
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m"));
        cmd.addAll(GcLog.jvmOptions(log));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CollectOnce.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        List<GcLog.Collection> c = GcLog.read(log);
        assertThat(c).anySatisfy(x -> assertThat(x.what()).startsWith("Pause Full"));
        assertThat(c).allSatisfy(x -> assertThat(x.capacityMib()).isBetween(1L, 64L));
    }

    /** A JVM that collects once, on request. */
    static final class CollectOnce {
        public static void main(String[] args) {
            System.gc();
        }
    }
}
