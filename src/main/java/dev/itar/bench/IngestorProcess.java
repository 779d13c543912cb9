package dev.itar.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.itar.ingest.IngestConfig;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The ingest application as an operator runs it: {@code run --config FILE} in a JVM of its own with a stated heap,
 * watched only through what it exposes — its status endpoint ({@code /health}, {@code /metrics},
 * {@code /recordings}), its topics, the kernel's view of the process ({@code /proc/<pid>/status}: peak resident
 * memory) and its garbage collector's log. Nothing here reaches into the application's classes, so the
 * benchmarks keep measuring whatever the application becomes inside.
 *
 * <p>The child exits on the first {@link OutOfMemoryError} ({@code -XX:+ExitOnOutOfMemoryError}): a heap that is too
 * small is then a clear result instead of a half-alive process.
 */
final class IngestorProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final String name;
    private final Process process;
    private final Path log;
    private final Path gcLog;
    private final int heapMib;
    private final URI status;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private IngestorProcess(String name, Process process, Path log, Path gcLog, int heapMib, URI status) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.gcLog = gcLog;
        this.heapMib = heapMib;
        this.status = status;
    }

    /**
     * Writes {@code settings} to {@code <dir>/<name>.properties} and starts the child with {@code -Xmx<heapMib>m};
     * its output goes to {@code <dir>/<name>.log}, its collector's log to {@code <dir>/<name>-gc.log}.
     */
    static IngestorProcess start(IngestorCommand command, String name, Path dir, Map<String, String> settings,
                                 int heapMib) throws IOException {
        Files.createDirectories(dir);
        Path config = dir.resolve(name + ".properties");
        Properties p = new Properties();
        p.putAll(settings);
        try (OutputStream out = Files.newOutputStream(config)) {
            p.store(out, "bench ingestor " + name);
        }
        Path log = dir.resolve(name + ".log");
        Path gcLog = dir.resolve(name + "-gc.log");
        Files.deleteIfExists(gcLog);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heapMib + "m");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-Djdk.nio.maxCachedBufferSize=134217728"); // as the Dockerfile runs it
        cmd.addAll(GcLog.jvmOptions(gcLog));
        cmd.addAll(command.jvmOptions());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(command.mainClassAndArgs());
        cmd.add("--config");
        cmd.add(config.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith(IngestConfig.ENV_PREFIX)); // the file says it all
        Process process = pb.start();
        process.getOutputStream().close();
        URI status = URI.create("http://127.0.0.1:" + settings.get(IngestConfig.HTTP_PORT) + "/");
        return new IngestorProcess(name, process, log, gcLog, heapMib, status);
    }

    long pid() {
        return process.pid();
    }

    int heapMib() {
        return heapMib;
    }

    Path gcLog() {
        return gcLog;
    }

    /** Waits until {@code /health} says RUNNING. */
    void awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            requireAlive("starting");
            try {
                HttpResponse<String> r = get("health");
                if (r.statusCode() == 200 && "RUNNING".equals(JSON.readTree(r.body()).path("state").asText())) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ingestor " + name + " was not RUNNING after " + timeout.toSeconds()
                        + " s; its log ends:\n" + logTail(30));
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** Records the instance has accepted so far, all types ({@code itar_records_accepted_total}). */
    long acceptedRecords() {
        return Math.round(metrics("itar_records_accepted_total").entrySet().stream()
                .filter(e -> e.getKey().startsWith("itar_records_accepted_total"))
                .mapToDouble(Map.Entry::getValue).sum());
    }

    /** {@code /metrics}: every sample line as {@code name{labels}} → value. */
    Map<String, Double> metrics() {
        return PrometheusSamples.parse(body("metrics"));
    }

    /** {@code /metrics} of the given families only: cheap enough for the application to answer many times a second. */
    Map<String, Double> metrics(String family) {
        return PrometheusSamples.parse(body("metrics?name%5B%5D=" + family));
    }

    /** {@code /recordings}: the open recordings of this instance. */
    JsonNode recordings() {
        try {
            return JSON.readTree(body("recordings"));
        } catch (IOException e) {
            throw new UncheckedIOException("ingestor " + name + ": /recordings is not JSON: " + e.getMessage(), e);
        }
    }

    /** Records accepted so far into recording {@code id} (all types), or -1 when it is not open here. */
    long acceptedRecords(String id) {
        for (JsonNode r : recordings().path("recordings")) {
            if (r.path("recording_id").asText().equals(id)) {
                long sum = 0;
                for (JsonNode n : r.path("records")) {
                    sum += n.asLong();
                }
                return sum;
            }
        }
        return -1;
    }

    private String body(String path) {
        requireAlive("serving /" + path);
        try {
            HttpResponse<String> r = get(path);
            if (r.statusCode() != 200) {
                throw new IllegalStateException("ingestor " + name + ": /" + path + " answered " + r.statusCode()
                        + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            requireAlive("serving /" + path);
            throw new UncheckedIOException("ingestor " + name + ": /" + path + " failed: " + e.getMessage(), e);
        }
    }

    private HttpResponse<String> get(String path) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(status.resolve(path)).timeout(Duration.ofSeconds(30)).GET()
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Throws {@link IngestorDied} if the child is gone. */
    void requireAlive(String doing) {
        if (!process.isAlive()) {
            throw died(doing);
        }
    }

    private IngestorDied died(String doing) {
        String tail = logTail(12);
        boolean oom = tail.contains("OutOfMemoryError");
        String reason = oom ? "OutOfMemoryError in a -Xmx" + heapMib + "m heap" : "exit status " + process.exitValue();
        return new IngestorDied(oom, "ingestor " + name + " died while " + doing + " (" + reason + "); its log ends:\n"
                + tail, reason);
    }

    /** Peak resident memory of the child so far (the kernel's {@code VmHWM}), MiB. */
    double peakRssMib() {
        return ProcStatus.kib(procStatus(), "VmHWM") / 1024.0;
    }

    /** Resident memory of the child now ({@code VmRSS}), MiB. */
    double rssMib() {
        return ProcStatus.kib(procStatus(), "VmRSS") / 1024.0;
    }

    private String procStatus() {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "status"));
        } catch (NoSuchFileException e) {
            throw died("reporting its memory");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + process.pid() + "/status: " + e.getMessage(), e);
        }
    }

    /**
     * Has the child's JVM collect garbage now ({@code jcmd <pid> GC.run}) and waits until its collector's log shows
     * it; returns that collection. For a stretch in which the heap never filled up enough to collect by itself.
     */
    GcLog.Collection collectGarbage() throws IOException, InterruptedException {
        long asked = System.currentTimeMillis();
        Jcmd.run(process.pid(), "GC.run");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (GcLog.Collection c : GcLog.read(gcLog)) {
                if (c.timeMillis() >= asked) {
                    return c;
                }
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        throw new IllegalStateException("ingestor " + name + " logged no collection after jcmd GC.run");
    }

    /** CPU seconds the child's live threads have used since it started, by kind ({@link ThreadCpu#kind}). */
    Map<String, Double> cpuSecondsByThreadKind() throws IOException, InterruptedException {
        return ThreadCpu.byKind(process.pid());
    }

    /** CPU time the child has used so far (all threads, user + system), seconds. */
    double cpuSeconds() {
        return cpuSeconds(process.toHandle());
    }

    /** CPU time {@code p} has used so far (all threads, user + system), seconds; NaN where the OS does not say. */
    static double cpuSeconds(ProcessHandle p) {
        return p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** The last {@code n} lines of the child's output. */
    String logTail(int n) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGKILL, as a machine or container dies: nothing is committed or closed; waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("ingestor " + name + " survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM (a clean stop: commit, close the stores); SIGKILL if it has not stopped within a minute. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the child cleanly and fails if it did not exit with status 0 (a clean stop is part of the run). */
    void stop() {
        close();
        if (process.isAlive() || process.exitValue() != 0) {
            throw new IllegalStateException("ingestor " + name + " did not stop cleanly (" + (process.isAlive()
                    ? "still running" : "exit status " + process.exitValue()) + "); its log ends:\n" + logTail(30));
        }
    }

    /** The child stopped on its own: out of heap, or another failure its log names. */
    static final class IngestorDied extends RuntimeException {
        private final boolean outOfMemory;
        private final String reason;

        IngestorDied(boolean outOfMemory, String message, String reason) {
            super(message);
            this.outOfMemory = outOfMemory;
            this.reason = reason;
        }

        boolean outOfMemory() {
            return outOfMemory;
        }

        /** One line: "OutOfMemoryError in a -Xmx256m heap" or "exit status 1". */
        String reason() {
            return reason;
        }
    }
}
