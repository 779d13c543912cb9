package dev.itar.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.itar.ingest.IngestConfig;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The structure of docker-compose.yml and the Dockerfile, and (where installed) docker-compose 1.29's verdict. */
class ComposeFileTest {

    /** The configuration keys deployments override with ITAR_* variables (ITAR_BOOTSTRAP_SERVERS -> bootstrap.servers). */
    private static final Set<String> SUPPORTED_KEYS = Set.of(IngestConfig.BOOTSTRAP_SERVERS, IngestConfig.ARCHIVE_DIR,
            IngestConfig.STATE_DIR, IngestConfig.APPLICATION_ID, IngestConfig.HTTP_HOST, IngestConfig.HTTP_PORT);

    private static Path repo;
    private static JsonNode compose;

    @BeforeAll
    static void parse() throws IOException {
        repo = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        compose = new ObjectMapper(new YAMLFactory()).readTree(repo.resolve("docker-compose.yml").toFile());
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
        assertThat(kafka.path("image").asText()).startsWith("apache/kafka:");
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
        assertThat(ingestor.path("depends_on").path("kafka").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(ingestor.path("depends_on").path("topics").path("condition").asText())
                .isEqualTo("service_completed_successfully");
        JsonNode env = ingestor.path("environment");
        assertThat(env.path("ITAR_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
        assertThat(env.path("ITAR_ARCHIVE_DIR").asText()).isEqualTo("/archives");
        assertThat(env.path("ITAR_STATE_DIR").asText()).isEqualTo("/state");
        assertThat(strings(ingestor.path("volumes")))
                .contains("./config:/config:ro", "archives:/archives", "state:/state");
        assertThat(names(compose.path("volumes"))).contains("archives", "state", "kafka-data");
        String health = String.join(" ", strings(ingestor.path("healthcheck").path("test")));
        assertThat(health).contains("/dev/tcp/127.0.0.1/8080").contains("GET /health");
    }

    @Test
    void simulatorRunsTheSimulateCommandAgainstKafka() {
        JsonNode sim = service("simulator");
        assertThat(strings(sim.path("command")))
                .containsSequence("java", "-jar", "/app/itar-ingest.jar", "simulate")
                .containsSequence("--bootstrap-servers", "kafka:9092")
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
        assertThat(config.archiveDir()).isEqualTo(Path.of("/archives"));
        assertThat(config.stateDir()).isEqualTo(Path.of("/state"));
        assertThat(config.origin(IngestConfig.STATE_DIR)).contains("ITAR_STATE_DIR");
        // The initialiser creates what `run` would create, so whichever runs first the topics are the same.
        String script = String.join("\n", strings(service("topics").path("command")));
        assertThat(script).containsPattern("--topic " + config.framesTopic() + "\\s+\\\\?\\s*--partitions "
                        + config.topicPartitions() + " .*--config max.message.bytes=" + config.maxMessageBytes()
                        + "\\s+\\\\?\\s*--config message.timestamp.type=" + config.framesTimestampType())
                .contains("--topic " + config.deadLetterTopic() + " ")
                .contains("--topic " + config.sealedTopic() + " ");
    }

    @Test
    void dockerfileBuildsWithMavenAndRunsTheShadedJarOnAJre() throws IOException {
        String dockerfile = Files.readString(repo.resolve("Dockerfile"), StandardCharsets.UTF_8);
        assertThat(dockerfile).contains("FROM maven:3.9-eclipse-temurin-17 AS build")
                .contains("mvn -B -DskipTests package")
                .contains("FROM eclipse-temurin:17-jre")
                .contains("COPY --from=build /build/target/itar-ingest.jar /app/itar-ingest.jar")
                .contains("CMD [\"java\", \"-jar\", \"/app/itar-ingest.jar\", \"run\", \"--config\", "
                        + "\"/config/application.properties\"]");
        assertThat(Files.readAllLines(repo.resolve(".dockerignore"))).contains("**/target", ".git");
    }

    @Test
    void dockerCompose129AcceptsTheFile() throws Exception {
        Optional<Path> binary = onPath("docker-compose");
        assumeThat(binary).as("docker-compose on PATH").isPresent();
        Result r = run(binary.get(), repo.resolve("docker-compose.yml"));
        assertThat(r.exitCode()).as("docker-compose config -q said:%n%s", r.output()).isZero();
    }

    @Test
    void dockerCompose129CheckCatchesABrokenFile(@TempDir Path dir) throws Exception {
        Optional<Path> binary = onPath("docker-compose");
        assumeThat(binary).as("docker-compose on PATH").isPresent();
        // Proves the check above can fail: an unknown service key is rejected.
        String broken = Files.readString(repo.resolve("docker-compose.yml"))
                .replace("  ingestor:\n", "  ingestor:\n    no_such_key: 1\n");
        Path file = Files.writeString(dir.resolve("docker-compose.yml"), broken);
        Result r = run(binary.get(), file);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("no_such_key");
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(Path binary, Path file) throws Exception {
        Process p = new ProcessBuilder(binary.toString(), "-f", file.toString(), "config", "-q")
                .directory(file.getParent().toFile())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes(); // ends when the process closes its output
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("docker-compose config did not finish within 120 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            out.add(it.next().getKey());
        }
        return out;
    }
}
