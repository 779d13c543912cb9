package dev.itar.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TopicSpecTest {

    @Test
    void withConfigAddsAndSortsConfigs() {
        TopicSpec spec = TopicSpec.of("vehicle-frames", 6).withConfig("retention.ms", "-1")
                .withConfig("max.message.bytes", "16777216");

        assertThat(spec.replication()).isEqualTo((short) 1);
        assertThat(spec.configs().keySet()).containsExactlyInAnyOrder("max.message.bytes", "retention.ms");
        assertThat(spec.configs()).containsEntry("max.message.bytes", "16777216");
    }

    @Test
    void brokerDefaultsAreSpelledMinusOne() {
        TopicSpec spec = new TopicSpec("t", -1, (short) -1, Map.of());
        assertThat(spec.partitions()).isEqualTo(-1);
    }

    @Test
    void rejectsZeroPartitionsNamingTheTopic() {
        assertThatThrownBy(() -> TopicSpec.of("frames", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topic frames: partitions must be >= 1 or -1 (broker default), was 0");
    }

    @Test
    void rejectsZeroReplication() {
        assertThatThrownBy(() -> new TopicSpec("frames", 1, (short) 0, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic frames: replication must be >= 1");
    }

    @Test
    void rejectsInvalidTopicName() {
        assertThatThrownBy(() -> TopicSpec.of("bad name!", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid topic name 'bad name!'");
    }

    @Test
    void duplicateTopicInOneCallIsRejectedBeforeContactingKafka() {
        assertThatThrownBy(() -> TopicAdmin.ensureTopics("127.0.0.1:1",
                List.of(TopicSpec.of("twice", 1), TopicSpec.of("twice", 2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topic twice is listed twice");
    }
}
