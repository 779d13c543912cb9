package dev.itar.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.ingest.IngestMetrics;
import dev.itar.ingest.OpenRecordings;
import dev.itar.ingest.OpenRecordings.OpenRecording;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live status of one ingest instance over HTTP, on the JDK's own {@code com.sun.net.httpserver} (three small
 * read-only endpoints need no web framework):
 *
 * <ul>
 * <li>{@code GET /health}: 200 and {@code {"state": "RUNNING", ...}} while Kafka Streams is RUNNING or
 *     REBALANCING; 503 with the same body otherwise (starting, stopped, failed). For liveness/readiness probes.
 *     {@code pending_seals} names each segment ({@code <recording>/<segment>}) whose seal failed for a storage
 *     reason and waits for its retry, with the reason.</li>
 * <li>{@code GET /recordings}: the open recordings of this instance from the {@code recording-state} store
 *     (interactive query): frames per sensor, chunk bytes, records by type, first/last record timestamp and
 *     {@code idle_ms} (wall clock now minus the last record timestamp). 503 while the store is not queryable.</li>
 * <li>{@code GET /metrics}: Prometheus text format 0.0.4 of the application's Micrometer registry
 *     ({@link IngestMetrics}: the pipeline's meters and Kafka Streams' metrics) plus the JVM's heap, garbage
 *     collection and thread meters, which this endpoint binds while it runs. {@code ?name[]=<family>} (repeatable,
 *     as Prometheus' own clients take it) limits the answer to those metric families, e.g.
 *     {@code /metrics?name[]=itar_records_accepted_total}: a poller that wants one counter often does not make
 *     the application render every Kafka client metric each time.</li>
 * </ul>
 *
 * Other paths are 404, other methods than GET and HEAD 405. Listens on {@code http.host} (127.0.0.1 by default)
 * and {@code http.port} (8080; 0 = any free port; -1 = none).
 */
public final class StatusServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Prometheus text exposition format 0.0.4, what {@link PrometheusMeterRegistry#scrape()} writes. */
    public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final IngestApplication app;
    private final Clock clock;
    private final JvmGcMetrics gcMetrics;

    private StatusServer(HttpServer server, ExecutorService executor, IngestApplication app, Clock clock) {
        this.server = server;
        this.executor = executor;
        this.app = app;
        this.clock = clock;
        PrometheusMeterRegistry registry = app.metrics().registry();
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
    }

    /** Starts the endpoint as the application's configuration says; empty when {@code http.port} is -1. */
    public static Optional<StatusServer> start(IngestApplication app) {
        IngestConfig config = app.config();
        if (config.httpPort() < 0) {
            LOG.info("status endpoint disabled ({}={})", IngestConfig.HTTP_PORT, config.httpPort());
            return Optional.empty();
        }
        return Optional.of(start(app, config.httpHost(), config.httpPort(), Clock.systemUTC()));
    }

    /**
     * Starts the endpoint on {@code host:port} (port 0 = any free port).
     *
     * @throws UncheckedIOException naming the address when it cannot listen (port taken, unknown host)
     */
    public static StatusServer start(IngestApplication app, String host, int port, Clock clock) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the status endpoint on " + host + ":" + port + " ("
                    + IngestConfig.HTTP_HOST + "/" + IngestConfig.HTTP_PORT + "): " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "itar-status-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        StatusServer status = new StatusServer(server, executor, app, clock);
        server.createContext("/", status::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("status endpoint on {} (/health, /recordings, /metrics)", status.uri());
        return status;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://host:port/}. */
    public URI uri() {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            Response response;
            if (!List.of("/health", "/recordings", "/metrics").contains(path)) {
                response = json(404, error("no such endpoint: " + path + "; try /health, /recordings, /metrics"));
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                response = json(405, error("method " + method + " not allowed on " + path + "; use GET"));
            } else {
                response = switch (path) {
                    case "/health" -> health();
                    case "/recordings" -> recordings();
                    default -> metrics(exchange.getRequestURI().getRawQuery());
                };
            }
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = method.equals("HEAD");
            exchange.sendResponseHeaders(response.status(), head ? -1 : response.body().length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("status request {} failed", exchange.getRequestURI(), e);
            throw e;
        }
    }

    private record Response(int status, String contentType, byte[] body) {
    }

    private Response health() {
        KafkaStreams.State state = app.state();
        boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
        ObjectNode n = JSON.createObjectNode();
        n.put("state", state.name());
        n.put("healthy", up);
        n.put("application_id", app.config().applicationId());
        n.put("open_recordings", app.metrics().openRecordings());
        // seals that failed for a storage reason and wait for their retry: the instance is up, these are not
        ObjectNode pending = n.putObject("pending_seals");
        app.metrics().pendingSeals().forEach(pending::put);
        if (app.failure() != null) {
            n.put("failure", app.failure().toString());
        }
        return json(up ? 200 : 503, n);
    }

    private Response recordings() {
        KafkaStreams streams = app.kafkaStreams();
        List<OpenRecording> open;
        try {
            if (streams == null) {
                throw new InvalidStateStoreException("the ingest application has not started");
            }
            open = OpenRecordings.query(streams);
        } catch (InvalidStateStoreException | IllegalStateException e) {
            // not started, rebalancing (stores migrating), or stopped: KafkaStreams says which
            ObjectNode n = error("recording state is not queryable now (state " + app.state() + "): "
                    + e.getMessage());
            n.put("state", app.state().name());
            return json(503, n);
        }
        long now = clock.millis();
        ObjectNode n = JSON.createObjectNode();
        n.put("state", app.state().name());
        ArrayNode list = n.putArray("recordings");
        for (OpenRecording r : open) {
            ObjectNode o = list.addObject();
            o.put("recording_id", r.recordingId());
            o.put("sequence_id", r.sequenceId());
            ObjectNode frames = o.putObject("frames_per_sensor");
            r.framesPerSensor().forEach(frames::put);
            o.put("frames", r.framesPerSensor().values().stream().mapToLong(Long::longValue).sum());
            o.put("bytes", r.chunkBytes());
            ObjectNode records = o.putObject("records");
            r.recordsByType().forEach(records::put);
            o.put("duplicates", r.duplicates());
            o.put("dead_letters", r.deadLetters());
            o.put("first_record_timestamp_ms", r.firstTimestampMs());
            o.put("last_record_timestamp_ms", r.lastTimestampMs());
            o.put("idle_ms", Math.max(0, now - r.lastTimestampMs()));
        }
        return json(200, n);
    }

    private Response metrics(String rawQuery) {
        Set<String> names = MetricsQuery.names(rawQuery);
        PrometheusMeterRegistry registry = app.metrics().registry();
        String body = names.isEmpty() ? registry.scrape() : registry.scrape(METRICS_CONTENT_TYPE, names);
        return new Response(200, METRICS_CONTENT_TYPE, body.getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static Response json(int status, ObjectNode body) {
        try {
            return new Response(status, "application/json", JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops listening (requests in progress get up to a second to finish) and ends the handler threads. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
        gcMetrics.close();
        LOG.info("status endpoint on {} stopped", uri());
    }

    /** For logs and errors. */
    @Override
    public String toString() {
        return "StatusServer[" + uri() + "]";
    }

}
