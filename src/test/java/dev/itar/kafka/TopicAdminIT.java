package dev.itar.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TopicAdminIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()));
    }

    @Test
    void createsMissingTopicsWithPartitionsAndConfigs() throws Exception {
        List<TopicSpec> specs = List.of(
                TopicSpec.of("frames-a", 6).withConfig("max.message.bytes", "16777216"),
                TopicSpec.of("frames-a-dlq", 1),
                new TopicSpec("sealed-a", 2, (short) 1, Map.of("cleanup.policy", "compact")));

        List<String> created = TopicAdmin.ensureTopics(KAFKA.bootstrapServers(), specs);

        assertThat(created).containsExactly("frames-a", "frames-a-dlq", "sealed-a");
        try (Admin admin = admin()) {
            Map<String, TopicDescription> d = admin.describeTopics(Set.of("frames-a", "frames-a-dlq", "sealed-a"))
                    .allTopicNames().get();
            assertThat(d.get("frames-a").partitions()).hasSize(6)
                    .allSatisfy(p -> assertThat(p.leader()).isNotNull());
            assertThat(d.get("frames-a-dlq").partitions()).hasSize(1);
            assertThat(d.get("sealed-a").partitions()).hasSize(2);
            ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, "frames-a");
            Config config = admin.describeConfigs(List.of(res)).all().get().get(res);
            assertThat(config.get("max.message.bytes").value()).isEqualTo("16777216");
            ConfigResource sealed = new ConfigResource(ConfigResource.Type.TOPIC, "sealed-a");
            assertThat(admin.describeConfigs(List.of(sealed)).all().get().get(sealed).get("cleanup.policy").value())
                    .isEqualTo("compact");
        }
    }

    @Test
    void secondCallCreatesNothingAndLeavesExistingTopicsAlone() throws Exception {
        TopicAdmin.ensureTopics(KAFKA.bootstrapServers(), List.of(TopicSpec.of("idem", 3)));

        // Different partition count on the second call: the existing topic is tolerated, not changed.
        List<String> again = TopicAdmin.ensureTopics(KAFKA.bootstrapServers(),
                List.of(TopicSpec.of("idem", 5), TopicSpec.of("idem-new", 1)));

        assertThat(again).containsExactly("idem-new");
        try (Admin admin = admin()) {
            assertThat(admin.describeTopics(Set.of("idem")).allTopicNames().get().get("idem").partitions()).hasSize(3);
        }
    }

    @Test
    void impossibleReplicationFactorIsReportedWithTheTopicName() {
        List<TopicSpec> specs = List.of(new TopicSpec("needs-three", 1, (short) 3, Map.of()));

        assertThatThrownBy(() -> TopicAdmin.ensureTopics(KAFKA.bootstrapServers(), specs))
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining("could not create topic needs-three on " + KAFKA.bootstrapServers())
                .hasMessageContaining("replication factor");
    }

    @Test
    void invalidTopicConfigIsReportedWithTheTopicName() {
        List<TopicSpec> specs = List.of(TopicSpec.of("bad-config", 1).withConfig("max.message.bytes", "lots"));

        assertThatThrownBy(() -> TopicAdmin.ensureTopics(KAFKA.bootstrapServers(), specs))
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining("could not create topic bad-config");
    }

    @Test
    void unreachableBootstrapFailsWithinTheTimeout() {
        int closedPort = EmbeddedKafkaBroker.freePort();
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> TopicAdmin.ensureTopics("127.0.0.1:" + closedPort,
                List.of(TopicSpec.of("nowhere", 1)), Duration.ofSeconds(2)))
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining("nowhere")
                .hasMessageContaining("127.0.0.1:" + closedPort);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }
}
