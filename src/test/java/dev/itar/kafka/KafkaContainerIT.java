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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.RemoteDockerImage;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same round trip against the official apache/kafka image that docker-compose.yml runs by default, topics
 * made by {@link TopicAdmin} with the compose file's 16 MiB limit. Runs only where Testcontainers finds a Docker
 * engine that has the image or can pull it; otherwise skipped, saying which of the two is missing.
 */
class KafkaContainerIT {
    private static final DockerImageName IMAGE = DockerImageName.parse("apache/kafka:4.1.0");

    private static KafkaContainer kafka;

    /** Started by the first test, where an engine can provide the image; otherwise that test is skipped. */
    private static KafkaContainer started() {
        if (kafka != null) {
            return kafka;
        }
        boolean available;
        try {
            available = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            // e.g. an engine without the default bridge network, which Testcontainers' containers need
            Assumptions.abort("the Docker engine Testcontainers found cannot run its containers: " + rootMessage(e));
            return null;
        }
        Assumptions.assumeTrue(available,
                "no Docker engine where Testcontainers looks (DOCKER_HOST, the default socket)");
        try {
            new RemoteDockerImage(IMAGE).get(); // present, or pulled now
        } catch (RuntimeException e) {
            Assumptions.abort("the Docker engine at " + DockerClientFactory.instance().getTransportConfig()
                    .getDockerHost() + " cannot provide " + IMAGE + " (not present, and pulling failed): "
                    + rootMessage(e));
        }
        KafkaContainer container = new KafkaContainer(IMAGE).withEnv("KAFKA_MESSAGE_MAX_BYTES", "20971520");
        container.start();
        kafka = container;
        return kafka;
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void recordRoundTripsThroughTheOfficialImage() throws Exception {
        String bootstrap = started().getBootstrapServers();
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

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
