package dev.itar.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BenchClientsTest {
    @Test
    void keysLandWhereTheProducersOwnPartitionerPutsThem() {
        for (int partitions = 1; partitions <= 6; partitions++) {
            for (int p = 0; p < partitions; p++) {
                String key = BenchClients.keyOnPartition("rig-veh1", p, partitions);
                assertThat(key).startsWith("rig-veh1");
                assertThat(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions))
                        .isEqualTo(p);
            }
        }
    }
}
