package dev.itar.ingest;

import dev.itar.kafka.TopicSpec;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IngestApplicationTest {

    @Test
    void createsTheThreeTopicsWithSizeLimitsAndAppendTime() {
        IngestApplication app = new IngestApplication(IngestConfig.of(Map.of(IngestConfig.TOPIC_PARTITIONS, "4")));
        List<TopicSpec> topics = app.topics();
        assertThat(topics).extracting(TopicSpec::name)
                .containsExactly("vehicle-frames", "vehicle-frames-dlq", "recordings-sealed");
        assertThat(topics).extracting(TopicSpec::partitions).containsOnly(4);
        assertThat(topics).extracting(TopicSpec::replication).containsOnly((short) -1);
        assertThat(topics.get(0).configs()).containsEntry("max.message.bytes", "16777216")
                .containsEntry("message.timestamp.type", "LogAppendTime");
        assertThat(topics.get(1).configs()).containsEntry("max.message.bytes", Integer.toString(16777216 + 1048576));
    }

    @Test
    void closingAnUnstartedApplicationIsHarmless() throws InterruptedException {
        IngestApplication app = new IngestApplication(IngestConfig.of(Map.of()));
        assertThat(app.state()).isEqualTo(KafkaStreams.State.CREATED);
        assertThat(app.close(Duration.ofSeconds(1))).isTrue();
        assertThat(app.awaitTermination(Duration.ZERO)).isTrue();
    }
}
