package dev.itar.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
    @Test
    void threadDumpNamesAreKeyedByTheKernelThreadId() {
        String dump = """
                "bench-rig-1a2b-StreamThread-1" #40 daemon prio=5 os_prio=0 cpu=1234.50ms elapsed=55.20s tid=0x00007f nid=0x1f4 runnable  [0x00007f]
                   java.lang.Thread.State: RUNNABLE
                "C2 CompilerThread0" #14 daemon prio=9 os_prio=0 cpu=21000.00ms elapsed=56.00s tid=0x00007f nid=0x1c waiting on condition  [0x0000000000000000]
                "GC Thread#0" os_prio=0 cpu=700.00ms elapsed=56.00s tid=0x00007f nid=0x13 runnable
                """;
        assertThat(ThreadCpu.javaThreadNames(dump)).isEqualTo(Map.of(500L, "bench-rig-1a2b-StreamThread-1",
                28L, "C2 CompilerThread0", 19L, "GC Thread#0"));
    }

    @Test
    void statTimesAreUserPlusSystemTicksAndNamesMayHoldSpacesAndParentheses() {
        String stat = "500 (kafka-pro (x)) S 1 1 1 0 -1 4194368 100 0 0 0 4200 350 0 0 20 0 60 0 12345 0 0\n";
        assertThat(ThreadCpu.cpuSeconds(stat)).isEqualTo(45.5);
    }

    @Test
    void threadsAreSortedIntoKinds() {
        assertThat(ThreadCpu.kind("app-7f3e-StreamThread-2")).isEqualTo("stream");
        assertThat(ThreadCpu.kind("C1 CompilerThread0")).isEqualTo("jit");
        assertThat(ThreadCpu.kind("itar-seal-1")).isEqualTo("seal");
        assertThat(ThreadCpu.kind("G1 Conc#0")).isEqualTo("gc");
        assertThat(ThreadCpu.kind("kafka-producer-network-thread | app-StreamThread-1-producer")).isEqualTo("producer");
        assertThat(ThreadCpu.kind("rocksdb:low")).isEqualTo("rocksdb");
        assertThat(ThreadCpu.kind("main")).isEqualTo("other");
    }
}
