package dev.itar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.itar.files.FileTrees;
import dev.itar.ingest.IngestConfig;
import dev.itar.ingest.SealedEventReader;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The docker-compose deployment, for real: a private Docker engine ({@link PrivateDockerEngine}), local base
 * images built without any registry ({@code src/test/docker/base-images.sh}: a debootstrap JRE image, a Maven
 * build image whose repository holds the build's dependencies, a Kafka image from the Maven Central jars), then
 * {@code docker compose -f docker-compose.yml -f docker-compose.host-network.yml} with those images given by
 * {@code ITAR_BUILD_IMAGE}, {@code ITAR_RUNTIME_IMAGE} and {@code KAFKA_IMAGE}, the image built with no
 * network at all, and every host port picked free now. It waits for health, checks {@code /health} and
 * {@code /metrics}, runs the simulator profile, reads the sealed events from the host, runs the image's own
 * {@code verify} on every archive, and takes everything down again ({@code down -v}, engine stopped, its mount
 * removed).
 *
 * <p>Skipped, with the reason, where no engine can start (not root, no {@code dockerd}) or without
 * {@code debootstrap} and Maven; {@code -DskipCompose} skips it. What takes minutes (root file systems, the
 * Maven repository, the Kafka jars, the Compose v2 plugin) is cached under {@code ITAR_DOCKER_CACHE}
 * (default {@code ~/.cache/itar-ingest/docker}).
 */
class ComposeDeploymentIT {
    private static final Duration BASE_IMAGES_TIMEOUT = Duration.ofMinutes(20);
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration SEAL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration DOWN_TIMEOUT = Duration.ofMinutes(2);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path repo = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private final Map<String, Long> phases = new LinkedHashMap<>();
    private long phaseStart = System.nanoTime();

    @Test
    void deploysBuildsIngestsAndSealsWithLocalImagesOnTheHostNetwork() throws Exception {
        String skip = System.getProperty("skipCompose");
        Assumptions.assumeTrue(skip == null || skip.equals("false"), "-DskipCompose");
        for (String tool : List.of("debootstrap", "mvn")) {
            Assumptions.assumeTrue(Command.onPath(tool).isPresent(),
                    "no " + tool + " on PATH to build the local base images with (.ci/run installs it)");
        }
        Path dir = Files.createTempDirectory("itar-compose-");
        PrivateDockerEngine engine;
        try {
            engine = PrivateDockerEngine.start(dir);
        } catch (PrivateDockerEngine.Unavailable e) {
            if (PrivateDockerEngine.mountsUnder(dir).isEmpty()) {
                FileTrees.deleteRecursively(dir);
            }
            Assumptions.abort("no Docker engine can start here: " + e.getMessage());
            return;
        }
        long started = System.nanoTime();
        try (engine) {
            phase("engine");
            Map<String, String> env = new TreeMap<>(engine.env());
            env.putAll(baseImages(env));
            phase("base images");
            Ports ports = Ports.free();
            env.putAll(ports.env());
            env.put("ITAR_BUILD_NETWORK", "none"); // the build stage must need no network with such a build image
            env.put("COMPOSE_PROJECT_NAME", "itar-it-" + Long.toHexString(System.nanoTime()));
            deploy(env, ports);
        } finally {
            phase("down, engine stopped");
            System.out.printf(Locale.ROOT, "ComposeDeploymentIT: %.0f s in all; %s%n",
                    (System.nanoTime() - started) / 1e9, phases);
        }
        assertThat(dir).as("the engine's directory, deleted once nothing is mounted there").doesNotExist();
    }

    private void deploy(Map<String, String> env, Ports ports) throws Exception {
        try {
            Command.Result build = compose(env, BUILD_TIMEOUT, "build", "ingestor");
            assertThat(build.ok()).as("%s", build.describe()).isTrue();
            phase("image build (no network)");

            Command.Result up = compose(env, UP_TIMEOUT, "up", "-d", "--wait", "--no-build");
            assertThat(up.ok()).as("%s%n%s", up.describe(), logs(env)).isTrue();
            phase("up until healthy");
            assertOnlyHostNetworking(env);

            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + ports.http() + "/";
            HttpResponse<String> health = get(http, base + "health");
            assertThat(health.statusCode()).as("/health: %s", health.body()).isEqualTo(200);
            assertThat(JSON.readTree(health.body()).path("state").asText()).isIn("RUNNING", "REBALANCING");

            Command.Result sim = compose(env, UP_TIMEOUT, "--profile", "simulator", "up", "-d", "--no-build",
                    "simulator");
            assertThat(sim.ok()).as("%s", sim.describe()).isTrue();
            int vehicles = simulatedVehicles();
            SortedMap<String, JsonNode> sealed = awaitSealed(ports, vehicles, env);
            phase("simulate and seal");

            assertThat(sealed).hasSize(vehicles);
            List<String> archives = new ArrayList<>();
            for (JsonNode event : sealed.values()) {
                assertThat(event.path("archive").asText()).startsWith("/data/archives/").endsWith(".ncore4.zarr.itar");
                assertThat(event.path("trigger").asText()).isEqualTo("end");
                archives.add(event.path("archive").asText());
            }
            // inside the ingestor's container, on the volume it wrote: the image's own verify, then the checksum
            List<String> check = new ArrayList<>(List.of("exec", "-T", "ingestor", "sh", "-c",
                    "for f; do java -jar /app/itar-ingest.jar verify \"$f\" || exit 1; sha256sum \"$f\"; done", "sh"));
            check.addAll(archives);
            Command.Result verify = compose(env, Duration.ofMinutes(3), check.toArray(String[]::new));
            assertThat(verify.ok()).as("%s", verify.describe()).isTrue();
            for (JsonNode event : sealed.values()) {
                String archive = event.path("archive").asText();
                assertThat(verify.output()).contains(archive + ": OK")
                        .contains(event.path("sha256").asText() + "  " + archive);
            }
            phase("verify");

            String metrics = get(http, base + "metrics").body();
            assertThat(metrics).contains("itar_seals_total{trigger=\"end\"} " + vehicles + ".0\n")
                    .contains("itar_records_accepted_total{type=\"camera\"}")
                    .contains("jvm_memory_used_bytes{");
        } finally {
            Command.Result down = compose(env, DOWN_TIMEOUT, "--profile", "simulator", "down", "-v", "--timeout", "20");
            assertThat(down.ok()).as("%s", down.describe()).isTrue();
        }
    }

    /** Builds the local images into the engine; returns ITAR_RUNTIME_IMAGE, ITAR_BUILD_IMAGE and KAFKA_IMAGE. */
    private Map<String, String> baseImages(Map<String, String> env) throws IOException, InterruptedException {
        String kafkaVersion = System.getProperty("itar.kafka.version", "4.4.0");
        Command.Result r = Command.run(List.of("bash", repo.resolve("src/test/docker/base-images.sh").toString(),
                repo.toString(), kafkaVersion), env, repo, BASE_IMAGES_TIMEOUT);
        assertThat(r.ok()).as("%s", r.describe()).isTrue();
        Map<String, String> images = new TreeMap<>();
        for (String line : r.output().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && List.of("ITAR_RUNTIME_IMAGE", "ITAR_BUILD_IMAGE", "KAFKA_IMAGE").contains(line.substring(0, eq))) {
                images.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        assertThat(images).as("images named by base-images.sh:%n%s", r.output()).hasSize(3);
        return images;
    }

    /** The host's network and nothing else: no container may be on a bridge, and no bridge network may exist. */
    private void assertOnlyHostNetworking(Map<String, String> env) throws IOException, InterruptedException {
        Command.Result nets = Command.run(List.of("docker", "network", "ls", "--format", "{{.Name}} {{.Driver}}"),
                env, repo, Duration.ofMinutes(1));
        assertThat(nets.ok()).as("%s", nets.describe()).isTrue();
        assertThat(nets.output().strip().split("\n")).containsExactlyInAnyOrder("host host", "none null");
        Command.Result modes = compose(env, Duration.ofMinutes(1), "ps", "-a", "-q");
        for (String id : modes.output().strip().split("\n")) {
            Command.Result mode = Command.run(List.of("docker", "inspect", "--format", "{{.HostConfig.NetworkMode}}",
                    id), env, repo, Duration.ofMinutes(1));
            assertThat(mode.output().strip()).as("network mode of container %s", id).isEqualTo("host");
        }
    }

    /** The sealed events read from the host through the broker's external listener, until there are {@code n}. */
    private SortedMap<String, JsonNode> awaitSealed(Ports ports, int n, Map<String, String> env) throws Exception {
        IngestConfig client = IngestConfig.of(Map.of(IngestConfig.BOOTSTRAP_SERVERS,
                "127.0.0.1:" + ports.kafkaExternal(), IngestConfig.APPLICATION_ID, "compose-deployment-it"));
        long deadline = System.nanoTime() + SEAL_TIMEOUT.toNanos();
        try (SealedEventReader reader = new SealedEventReader(client)) {
            SortedMap<String, JsonNode> events = reader.poll(Duration.ofMillis(500));
            while (events.size() < n) {
                assertThat(System.nanoTime()).as("%d of %d recordings sealed within %d s: %s%n%s", events.size(), n,
                        SEAL_TIMEOUT.toSeconds(), events.keySet(), logs(env)).isLessThan(deadline);
                events = reader.poll(Duration.ofSeconds(1));
            }
            return events;
        }
    }

    /** {@code --vehicles N} of the compose file's simulator command. */
    private int simulatedVehicles() throws IOException {
        JsonNode command = new ObjectMapper(new YAMLFactory()).readTree(repo.resolve("docker-compose.yml").toFile())
                .path("services").path("simulator").path("command");
        List<String> args = new ArrayList<>();
        command.forEach(a -> args.add(a.asText()));
        return Integer.parseInt(args.get(args.indexOf("--vehicles") + 1));
    }

    private Command.Result compose(Map<String, String> env, Duration timeout, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker", "compose", "--project-directory", repo.toString(),
                "-f", repo.resolve("docker-compose.yml").toString(),
                "-f", repo.resolve("docker-compose.host-network.yml").toString()));
        command.addAll(List.of(args));
        return Command.run(command, env, repo, timeout);
    }

    private String logs(Map<String, String> env) throws IOException, InterruptedException {
        return compose(env, Duration.ofMinutes(1), "--profile", "simulator", "logs", "--no-color", "--tail", "30")
                .output();
    }

    private static HttpResponse<String> get(HttpClient http, String uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void phase(String name) {
        long now = System.nanoTime();
        phases.put(name, Math.round((now - phaseStart) / 1e9));
        phaseStart = now;
    }

    /** The host ports the deployment binds, picked free on 127.0.0.1 (other tests on this machine use ports). */
    private record Ports(int kafka, int kafkaController, int kafkaExternal, int http) {
        static Ports free() throws IOException {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            try (ServerSocket a = new ServerSocket(0, 1, loopback); ServerSocket b = new ServerSocket(0, 1, loopback);
                 ServerSocket c = new ServerSocket(0, 1, loopback); ServerSocket d = new ServerSocket(0, 1, loopback)) {
                return new Ports(a.getLocalPort(), b.getLocalPort(), c.getLocalPort(), d.getLocalPort());
            }
        }

        Map<String, String> env() {
            return Map.of("KAFKA_PORT", Integer.toString(kafka), "KAFKA_CONTROLLER_PORT", Integer.toString(kafkaController),
                    "KAFKA_EXTERNAL_PORT", Integer.toString(kafkaExternal), "ITAR_HTTP_PORT", Integer.toString(http));
        }
    }
}
