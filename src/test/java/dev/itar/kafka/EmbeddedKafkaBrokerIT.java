package dev.itar.kafka;

import static dev.itar.kafka.TestClients.consumer;
import static dev.itar.kafka.TestClients.pattern;
import static dev.itar.kafka.TestClients.producer;
import static dev.itar.kafka.TestClients.read;
import static dev.itar.kafka.TestClients.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmbeddedKafkaBrokerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1024, 5 * 1024 * 1024})
    void recordRoundTripsWithItsBytesIntact(int size) throws Exception {
        String topic = "round-trip-" + size;
        byte[] value = pattern(size, 7);
        try (KafkaProducer<String, byte[]> p = producer(KAFKA.bootstrapServers(), Map.of())) {
            send(p, topic, "rec-1", value);
        }
        try (KafkaConsumer<String, byte[]> c = consumer(KAFKA.bootstrapServers(), Map.of())) {
            List<ConsumerRecord<String, byte[]>> got = read(c, topic, 1, WAIT);
            assertThat(got).hasSize(1);
            assertThat(got.get(0).key()).isEqualTo("rec-1");
            assertThat(got.get(0).value()).hasSize(size).isEqualTo(value);
        }
    }

    @Test
    void readCommittedConsumerSeesCommittedButNotAbortedTransactions() throws Exception {
        String topic = "transactions";
        try (KafkaProducer<String, byte[]> p = producer(KAFKA.bootstrapServers(),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "itar-test-tx"))) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>(topic, "aborted", pattern(10, 1)));
            p.flush();
            p.abortTransaction();
            p.beginTransaction();
            p.send(new ProducerRecord<>(topic, "committed", pattern(10, 2)));
            p.commitTransaction();
        }
        try (KafkaConsumer<String, byte[]> c = consumer(KAFKA.bootstrapServers(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            // Waits for more than can arrive, so an aborted record would show up too.
            List<ConsumerRecord<String, byte[]>> got = read(c, topic, 2, Duration.ofSeconds(3));
            assertThat(got).extracting(ConsumerRecord::key).containsExactly("committed");
        }
    }

    @Test
    void stoppedBrokerRestartsOnTheSamePortsWithItsData() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String bootstrap = broker.bootstrapServers();
            try (KafkaProducer<String, byte[]> p = producer(bootstrap, Map.of())) {
                send(p, "durable", "before-restart", pattern(100_000, 3));
            }
            broker.stop();
            assertThat(broker.isRunning()).isFalse();
            broker.restart();
            assertThat(broker.isRunning()).isTrue();
            assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
            try (KafkaConsumer<String, byte[]> c = consumer(bootstrap, Map.of())) {
                List<ConsumerRecord<String, byte[]>> got = read(c, "durable", 1, WAIT);
                assertThat(got).extracting(ConsumerRecord::key).containsExactly("before-restart");
                assertThat(got.get(0).value()).isEqualTo(pattern(100_000, 3));
            }
        }
    }

    @Test
    void closeDeletesTheTemporaryLogDirAndIsIdempotent() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        Path dir = broker.logDir();
        assertThat(dir.resolve("meta.properties")).exists();
        broker.close();
        broker.close();
        assertThat(dir).doesNotExist();
        assertThat(broker.isRunning()).isFalse();
    }

    @Test
    void givenLogDirIsKeptAfterClose(@TempDir Path dir) {
        Path logDir = dir.resolve("kafka");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().logDir(logDir).start()) {
            assertThat(broker.logDir()).isEqualTo(logDir.toAbsolutePath());
        }
        assertThat(logDir.resolve("meta.properties")).exists();
    }

    @Test
    void childProcessBrokerServesClientsAndExitsWhenDestroyed(@TempDir Path dir) throws Exception {
        Path logDir = dir.resolve("child");
        int port;
        int controllerPort;
        try (ChildProcessBroker child = ChildProcessBroker.start(logDir)) {
            assertThat(child.bootstrapServers()).startsWith("127.0.0.1:");
            port = child.port();
            controllerPort = child.controllerPort();
            try (KafkaProducer<String, byte[]> p = producer(child.bootstrapServers(), Map.of())) {
                send(p, "child", "from-parent", pattern(1024, 5));
            }
            try (KafkaConsumer<String, byte[]> c = consumer(child.bootstrapServers(), Map.of())) {
                assertThat(read(c, "child", 1, WAIT)).extracting(ConsumerRecord::key).containsExactly("from-parent");
            }
            long pid = child.pid();
            child.stop();
            assertThat(child.isAlive()).isFalse();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
        // A stopped child broker comes back on the same log dir and ports with its data.
        try (ChildProcessBroker again = ChildProcessBroker.start(logDir, port, controllerPort)) {
            assertThat(again.port()).isEqualTo(port);
            try (KafkaConsumer<String, byte[]> c = consumer(again.bootstrapServers(), Map.of())) {
                assertThat(read(c, "child", 1, WAIT)).extracting(ConsumerRecord::key).containsExactly("from-parent");
            }
            again.kill();
            assertThat(again.isAlive()).isFalse();
        }
    }
}
