package dev.itar.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcStatusTest {
    private static final String STATUS = "Name:\tjava\nVmPeak:\t 5000000 kB\nVmHWM:\t  123456 kB\nVmRSS:\t   65536 kB\n"
            + "Threads:\t42\n";

    @Test
    void readsFieldsInKib() {
        assertThat(ProcStatus.kib(STATUS, "VmHWM")).isEqualTo(123456);
        assertThat(ProcStatus.kib(STATUS, "VmRSS")).isEqualTo(65536);
    }

    @Test
    void aMissingOrUnitlessFieldIsAnError() {
        assertThatThrownBy(() -> ProcStatus.kib(STATUS, "VmSwap")).hasMessageContaining("no field VmSwap");
        assertThatThrownBy(() -> ProcStatus.kib(STATUS, "Threads")).hasMessageContaining("not in kB");
    }

    @Test
    void readsThisProcess() throws Exception {
        Path self = Path.of("/proc/self/status");
        if (Files.isReadable(self)) {
            assertThat(ProcStatus.kib(Files.readString(self), "VmHWM")).isPositive();
        }
    }
}
