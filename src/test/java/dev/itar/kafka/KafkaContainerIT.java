package dev.itar.kafka;

import static dev.itar.kafka.TestClients.consumer;
import static dev.itar.kafka.TestClients.pattern;
import static dev.itar.kafka.TestClients.producer;
import static dev.itar.kafka.TestClients.read;
import static dev.itar.kafka.TestClients.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same round trip against the official apache/kafka image that docker-compose.yml runs, topics made
 * by {@link TopicAdmin} with the compose file's 16 MiB limit. Skipped where there is no Docker engine.
 */
@Testcontainers(disabledWithoutDocker = true)
class KafkaContainerIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer(DockerImageName.parse("apache/kafka:4.1.0"))
            .withEnv("KAFKA_MESSAGE_MAX_BYTES", "20971520");

    @Test
    void recordRoundTripsThroughTheOfficialImage() throws Exception {
        String bootstrap = KAFKA.getBootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, List.of(
                TopicSpec.of("vehicle-frames", 6).withConfig("max.message.bytes", "16777216")));
        byte[] value = pattern(2 * 1024 * 1024, 9);
        try (KafkaProducer<String, byte[]> p = producer(bootstrap, Map.of())) {
            send(p, "vehicle-frames", "rec-1", value);
        }
        try (KafkaConsumer<String, byte[]> c = consumer(bootstrap, Map.of())) {
            List<ConsumerRecord<String, byte[]>> got = read(c, "vehicle-frames", 1, Duration.ofSeconds(60));
            assertThat(got).hasSize(1);
            assertThat(got.get(0).value()).isEqualTo(value);
        }
    }
}
