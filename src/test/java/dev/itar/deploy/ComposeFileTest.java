package dev.itar.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.itar.ingest.IngestConfig;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The structure of docker-compose.yml, its host-network override and the Dockerfile, with every variable at its
 * default (as Compose interpolates them when none is set), and (where installed) docker-compose 1.29's verdict.
 * {@link ComposeDeploymentIT} runs them.
 */
class ComposeFileTest {
    /** The variables the compose files may use, every one with a default: images, host ports, build network. */
    private static final Set<String> VARIABLES = Set.of("KAFKA_IMAGE", "ITAR_BUILD_IMAGE", "ITAR_RUNTIME_IMAGE",
            "KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "KAFKA_EXTERNAL_PORT", "ITAR_HTTP_PORT", "ITAR_BUILD_NETWORK");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}:]*)(:-([^}]*))?}");

    /** The configuration keys deployments override with ITAR_* variables (ITAR_BOOTSTRAP_SERVERS -> bootstrap.servers). */
    private static final Set<String> SUPPORTED_KEYS = Set.of(IngestConfig.BOOTSTRAP_SERVERS, IngestConfig.ARCHIVE_DIR,
            IngestConfig.STATE_DIR, IngestConfig.APPLICATION_ID, IngestConfig.HTTP_HOST, IngestConfig.HTTP_PORT,
            "num.standby.replicas", "group.instance.id");

    private static Path repo;
    private static JsonNode compose;
    private static JsonNode hostNetwork;

    @BeforeAll
    static void parse() throws IOException {
        repo = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        compose = parseWithDefaults(repo.resolve("docker-compose.yml"));
        hostNetwork = parseWithDefaults(repo.resolve("docker-compose.host-network.yml"));
    }

    /** The file as Compose reads it with no variable set: every {@code ${X:-d}} is d, {@code $$} is {@code $}. */
    private static JsonNode parseWithDefaults(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Matcher m = VARIABLE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(3) == null ? "" : m.group(3)));
        }
        m.appendTail(sb);
        return new ObjectMapper(new YAMLFactory()).readTree(sb.toString().replace("$$", "$"));
    }

    @Test
    void everyVariableIsAKnownOneWithADefault() throws IOException {
        for (String name : List.of("docker-compose.yml", "docker-compose.host-network.yml")) {
            String text = Files.readString(repo.resolve(name), StandardCharsets.UTF_8);
            Matcher m = VARIABLE.matcher(text);
            Set<String> seen = new TreeSet<>();
            while (m.find()) {
                assertThat(m.group(2)).as("%s: ${%s} without a default", name, m.group(1)).isNotNull();
                seen.add(m.group(1));
            }
            assertThat(VARIABLES).as("variables of %s", name).containsAll(seen);
            // a single '$' not starting ${...} would be interpolated too: shell variables are written $$
            assertThat(text.replace("$$", "").replaceAll("\\$\\{[^}]*}", "")).as(name).doesNotContain("$");
        }
    }

    private static JsonNode service(String name) {
        JsonNode s = compose.path("services").path(name);
        assertThat(s.isObject()).as("service %s in docker-compose.yml", name).isTrue();
        return s;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void hasTheFourServicesAndOnlyTheSimulatorIsBehindAProfile() {
        assertThat(names(compose.path("services"))).containsExactlyInAnyOrder("kafka", "topics", "ingestor", "simulator");
        assertThat(strings(service("simulator").path("profiles"))).containsExactly("simulator");
        for (String s : List.of("kafka", "topics", "ingestor")) {
            assertThat(service(s).has("profiles")).as("%s must start without a profile", s).isFalse();
        }
    }

    @Test
    void avoidsWhatDockerCompose129Rejects() {
        assertThat(compose.has("name")).as("top-level name:").isFalse();
        assertThat(compose.has("include")).as("top-level include:").isFalse();
        compose.path("services").forEach(s -> assertThat(s.path("healthcheck").has("start_interval")).isFalse());
    }

    @Test
    void kafkaIsASingleNodeKraftBrokerWithHealthCheckAndLargeMessages() {
        JsonNode kafka = service("kafka");
        assertThat(kafka.path("image").asText()).isEqualTo("apache/kafka:4.1.0");
        JsonNode env = kafka.path("environment");
        assertThat(env.path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        assertThat(env.path("KAFKA_CONTROLLER_QUORUM_VOTERS").asText()).startsWith(env.path("KAFKA_NODE_ID").asText() + "@");
        assertThat(env.path("KAFKA_ADVERTISED_LISTENERS").asText()).contains("PLAINTEXT://kafka:9092");
        for (String rf : List.of("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR",
                "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR")) {
            assertThat(env.path(rf).asText()).as(rf).isEqualTo("1");
        }
        assertThat(env.path("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS").asText()).isEqualTo("0");
        assertThat(Long.parseLong(env.path("KAFKA_MESSAGE_MAX_BYTES").asText())).isGreaterThan(16L * 1024 * 1024);
        // The image formats storage with CLUSTER_ID; a malformed one stops the broker at first start.
        assertThat(Uuid.fromString(env.path("CLUSTER_ID").asText())).isNotNull();
        assertThat(env.path("KAFKA_LOG_DIRS").asText()).isEqualTo("/var/lib/kafka/data");
        assertThat(strings(kafka.path("volumes"))).contains("kafka-data:/var/lib/kafka/data");
        assertThat(env.path("KAFKA_LISTENERS").asText()).isEqualTo("PLAINTEXT://:9092,CONTROLLER://:9093,EXTERNAL://:29092");
        assertThat(env.path("KAFKA_ADVERTISED_LISTENERS").asText()).contains("EXTERNAL://localhost:29092");
        assertThat(strings(kafka.path("ports"))).containsExactly("29092:29092");
        assertThat(String.join(" ", strings(kafka.path("healthcheck").path("test"))))
                .contains("kafka-broker-api-versions.sh");
    }

    @Test
    void topicsServiceCreatesTheThreeTopicsOnceKafkaIsHealthy() {
        JsonNode topics = service("topics");
        assertThat(topics.path("image").asText()).isEqualTo(service("kafka").path("image").asText());
        assertThat(topics.path("depends_on").path("kafka").path("condition").asText()).isEqualTo("service_healthy");
        String script = String.join("\n", strings(topics.path("command")));
        assertThat(script).contains("--if-not-exists");
        assertThat(script).containsPattern("--topic vehicle-frames\\s+\\\\?\\s*--partitions 6 .*--config max.message.bytes=16777216");
        assertThat(script).contains("--topic vehicle-frames-dlq").contains("--topic recordings-sealed");
    }

    @Test
    void ingestorIsBuiltHereWaitsForTopicsAndIsHealthChecked() {
        JsonNode ingestor = service("ingestor");
        assertThat(ingestor.path("build").path("dockerfile").asText()).isEqualTo("Dockerfile");
        assertThat(ingestor.path("build").path("args").path("BUILD_IMAGE").asText())
                .isEqualTo("maven:3.9-eclipse-temurin-17");
        assertThat(ingestor.path("build").path("args").path("RUNTIME_IMAGE").asText()).isEqualTo("eclipse-temurin:17-jre");
        assertThat(service("simulator").path("build")).isEqualTo(ingestor.path("build"));
        assertThat(ingestor.path("depends_on").path("kafka").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(ingestor.path("depends_on").path("topics").path("condition").asText())
                .isEqualTo("service_completed_successfully");
        JsonNode env = ingestor.path("environment");
        assertThat(env.path("ITAR_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
        // archives and state on one volume: a seal renames from the state into the archive directory
        assertThat(env.path("ITAR_ARCHIVE_DIR").asText()).isEqualTo("/data/archives");
        assertThat(env.path("ITAR_STATE_DIR").asText()).isEqualTo("/data/state");
        assertThat(strings(ingestor.path("volumes"))).containsExactlyInAnyOrder("./config:/config:ro", "data:/data");
        assertThat(names(compose.path("volumes"))).containsExactlyInAnyOrder("data", "kafka-data");
        assertThat(env.path("ITAR_HTTP_PORT").asText()).isEqualTo("8080");
        assertThat(strings(ingestor.path("ports"))).containsExactly("8080:8080");
        String health = String.join(" ", strings(ingestor.path("healthcheck").path("test")));
        assertThat(health).contains("/dev/tcp/127.0.0.1/8080").contains("GET /health");
    }

    @Test
    void simulatorRunsTheSimulateCommandAgainstKafka() {
        JsonNode sim = service("simulator");
        assertThat(strings(sim.path("command")))
                .containsSequence("java", "-jar", "/app/itar-ingest.jar", "simulate")
                .containsSequence("--bootstrap-servers", "kafka:9092")
                .containsSequence("--vehicles", "3")
                .containsSequence("--topic", "vehicle-frames");
        assertThat(sim.path("depends_on").path("kafka").path("condition").asText()).isEqualTo("service_healthy");
    }

    @Test
    void everyItarVariableNamesASupportedConfigKey() {
        Set<String> seen = new TreeSet<>();
        compose.path("services").forEach(s -> names(s.path("environment")).stream()
                .filter(n -> n.startsWith(IngestConfig.ENV_PREFIX))
                .forEach(seen::add));
        assertThat(seen).contains("ITAR_BOOTSTRAP_SERVERS", "ITAR_ARCHIVE_DIR", "ITAR_STATE_DIR");
        Set<String> supportedNames = new TreeSet<>();
        SUPPORTED_KEYS.forEach(k -> supportedNames.add(IngestConfig.envName(k)));
        assertThat(supportedNames).containsAll(seen);
    }

    @Test
    void ingestorEnvironmentOverConfigFileGivesTheContainerPathsAndTopicsMatchRun() {
        Map<String, String> env = new java.util.TreeMap<>();
        service("ingestor").path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));

        IngestConfig config = IngestConfig.load(repo.resolve("config/application.properties"), env);

        assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(config.archiveDir()).isEqualTo(Path.of("/data/archives"));
        assertThat(config.stateDir()).isEqualTo(Path.of("/data/state"));
        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.origin(IngestConfig.STATE_DIR)).contains("ITAR_STATE_DIR");
        // fast failover, as the README's "Scaling out" recommends: a standby and static membership
        assertThat(config.groupInstanceId()).hasValue("ingestor-1");
        assertThat(config.streamsProperties().getProperty("num.standby.replicas")).isEqualTo("1");
        // The initialiser creates what `run` would create, so whichever runs first the topics are the same.
        String script = String.join("\n", strings(service("topics").path("command")));
        assertThat(script).containsPattern("--topic " + config.framesTopic() + "\\s+\\\\?\\s*--partitions "
                        + config.topicPartitions() + " .*--config max.message.bytes=" + config.maxMessageBytes()
                        + "\\s+\\\\?\\s*--config message.timestamp.type=" + config.framesTimestampType())
                .contains("--topic " + config.deadLetterTopic() + " ")
                .contains("--topic " + config.sealedTopic() + " ");
    }

    @Test
    void hostNetworkOverrideRunsEveryServiceOnTheHostsLoopbackOnly() {
        assertThat(names(hostNetwork.path("services"))).containsExactlyInAnyOrderElementsOf(names(compose.path("services")));
        hostNetwork.path("services").fields().forEachRemaining(e -> {
            JsonNode s = e.getValue();
            assertThat(s.path("network_mode").asText()).as("%s network_mode", e.getKey()).isEqualTo("host");
            assertThat(strings(s.path("extra_hosts"))).as("%s extra_hosts", e.getKey()).contains("kafka:127.0.0.1");
            if (compose.path("services").path(e.getKey()).has("ports")) {
                assertThat(s.has("ports")).as("%s resets its published ports", e.getKey()).isTrue();
                assertThat(s.path("ports").size()).as("%s ports after !reset", e.getKey()).isZero();
            }
        });
        JsonNode env = hostNetwork.path("services").path("kafka").path("environment");
        assertThat(env.path("KAFKA_LISTENERS").asText())
                .isEqualTo("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,EXTERNAL://127.0.0.1:29092");
        assertThat(env.path("KAFKA_ADVERTISED_LISTENERS").asText())
                .isEqualTo("PLAINTEXT://kafka:9092,EXTERNAL://127.0.0.1:29092");
        assertThat(env.path("KAFKA_CONTROLLER_QUORUM_VOTERS").asText()).isEqualTo("1@127.0.0.1:9093");
        assertThat(hostNetwork.path("services").path("ingestor").path("environment").path("ITAR_HTTP_HOST").asText())
                .isEqualTo("127.0.0.1");
        for (String built : List.of("ingestor", "simulator")) {
            assertThat(hostNetwork.path("services").path(built).path("build").path("network").asText()).isEqualTo("host");
        }
        assertThat(hostNetwork.has("networks")).as("no networks of its own").isFalse();
    }

    @Test
    void dockerfileBuildsWithSubstitutableImagesAndRunsTheShadedJarOnAJre() throws IOException {
        String dockerfile = Files.readString(repo.resolve("Dockerfile"), StandardCharsets.UTF_8);
        assertThat(dockerfile).contains("ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17")
                .contains("ARG RUNTIME_IMAGE=eclipse-temurin:17-jre")
                .contains("FROM ${BUILD_IMAGE} AS build")
                .contains("FROM ${RUNTIME_IMAGE}\n")
                .contains("mvn -B -DskipTests package")
                .contains("COPY --from=build /build/target/itar-ingest.jar /app/itar-ingest.jar")
                .contains("ENV ITAR_ARCHIVE_DIR=/data/archives \\\n    ITAR_STATE_DIR=/data/state")
                .contains("VOLUME [\"/data\"]")
                .contains("CMD [\"java\", \"-jar\", \"/app/itar-ingest.jar\", \"run\", \"--config\", "
                        + "\"/config/application.properties\"]");
        // a goal beyond what `package` uses needs artifacts a prepared offline repository does not hold
        assertThat(dockerfile).doesNotContain("go-offline").doesNotContain("dependency:");
        assertThat(Files.readAllLines(repo.resolve(".dockerignore"))).contains("**/target", ".git", "src/test");
    }

    @Test
    void dockerCompose129AcceptsTheFile() throws Exception {
        Command.Result r = config129(repo.resolve("docker-compose.yml"));
        assertThat(r.ok()).as("%s", r.describe()).isTrue();
    }

    @Test
    void dockerCompose129CheckCatchesABrokenFile(@TempDir Path dir) throws Exception {
        // Proves the check above can fail: an unknown service key is rejected.
        String broken = Files.readString(repo.resolve("docker-compose.yml"))
                .replace("  ingestor:\n", "  ingestor:\n    no_such_key: 1\n");
        Command.Result r = config129(Files.writeString(dir.resolve("docker-compose.yml"), broken));
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("no_such_key");
    }

    @Test
    void dockerCompose129RefusesTheHostNetworkOverrideAsTheReadmeSays() throws Exception {
        Command.Result r = config129(repo.resolve("docker-compose.yml"), repo.resolve("docker-compose.host-network.yml"));
        assertThat(r.ok()).as("%s", r.describe()).isFalse();
        assertThat(r.output()).contains("!reset");
    }

    /** {@code docker-compose -f FILE... config -q} of a docker-compose 1.x on PATH; skips where there is none. */
    private static Command.Result config129(Path... files) throws Exception {
        Optional<Path> binary = Command.onPath("docker-compose");
        assumeThat(binary).as("docker-compose on PATH").isPresent();
        Command.Result version = Command.run(List.of(binary.get().toString(), "version", "--short"), Map.of(), repo,
                Duration.ofMinutes(2));
        assumeThat(version.output().strip()).as("docker-compose on PATH is 1.x").startsWith("1.");
        List<String> command = new ArrayList<>(List.of(binary.get().toString()));
        for (Path f : files) {
            command.add("-f");
            command.add(f.toString());
        }
        command.addAll(List.of("config", "-q"));
        return Command.run(command, Map.of(), files[0].getParent(), Duration.ofMinutes(2));
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            out.add(it.next().getKey());
        }
        return out;
    }
}
