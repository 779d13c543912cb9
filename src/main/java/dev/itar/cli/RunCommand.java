package dev.itar.cli;

import dev.itar.ingest.IngestApplication;
import dev.itar.ingest.IngestConfig;
import dev.itar.ingest.IngestConfigException;
import dev.itar.status.StatusServer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code itar-ingest run [--config FILE]}: runs the ingest pipeline until SIGTERM/SIGINT (then closes cleanly
 * and exits 0) or until it fails (exit 1).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the ingest pipeline: reads wire-format records from the frames topic, writes one "
                + ".ncore4.zarr.itar archive per recording into archive.dir, dead letters and sealed events "
                + "to their topics. Stops cleanly on SIGTERM or Ctrl-C. Configuration: --config FILE, else "
                + "./config/application.properties if present, else built-in defaults; every key can be "
                + "overridden by ITAR_<KEY> (upper case, dots as underscores), e.g. ITAR_BOOTSTRAP_SERVERS, "
                + "ITAR_ARCHIVE_DIR.")
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--config", paramLabel = "FILE",
            description = "properties file (default: ./config/application.properties when it exists)")
    Path configFile;

    private final Map<String, String> env;

    public RunCommand() {
        this(System.getenv());
    }

    /** With an explicit environment (tests). */
    RunCommand(Map<String, String> env) {
        this.env = env;
    }

    /** Runs {@code run} on its own (also reachable as {@code itar-ingest run} once registered in Main). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new RunCommand()).execute(args));
    }

    /** Loads the configuration as {@code run} would: --config, else the default file if present, else defaults. */
    IngestConfig loadConfig() {
        Path file = configFile;
        if (file == null && Files.isRegularFile(IngestConfig.DEFAULT_FILE)) {
            file = IngestConfig.DEFAULT_FILE;
        }
        LOG.info("configuration: {}", file == null ? "built-in defaults" : file.toAbsolutePath());
        IngestConfig config = IngestConfig.load(file, env);
        LOG.info("effective configuration:\n{}", config.describe());
        return config;
    }

    @Override
    public Integer call() throws InterruptedException {
        IngestConfig config;
        try {
            config = loadConfig();
        } catch (IngestConfigException e) {
            LOG.error("invalid configuration: {}", e.getMessage());
            return 2;
        }
        IngestApplication app = new IngestApplication(config);
        Optional<StatusServer> status;
        try {
            status = StatusServer.start(app); // before Kafka: a taken port fails fast, /health says STARTING meanwhile
        } catch (UncheckedIOException e) {
            LOG.error("{}", e.getMessage());
            return 1;
        }
        // SIGTERM/SIGINT: close (commit, close stores), then end the JVM with 0 — a clean stop is not a failure.
        AtomicBoolean signalled = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            signalled.set(true);
            LOG.info("shutdown requested");
            boolean clean = app.close(IngestApplication.DEFAULT_CLOSE_TIMEOUT);
            LOG.info("ingest stopped{}", clean ? "" : " (not within the timeout)");
            status.ifPresent(StatusServer::close);
            Runtime.getRuntime().halt(clean ? 0 : 1);
        }, "itar-ingest-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            app.start();
        } catch (RuntimeException e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            LOG.error("cannot start ingest: {}", e.getMessage(), e);
            app.close(Duration.ofSeconds(10));
            status.ifPresent(StatusServer::close);
            return 1;
        }
        // Runs until the client stops by itself, which only happens on a failure (a signal ends the JVM in the hook).
        app.awaitTermination(Duration.ofDays(365_000));
        Runtime.getRuntime().removeShutdownHook(hook);
        app.close(Duration.ofSeconds(30));
        status.ifPresent(StatusServer::close);
        LOG.error("ingest stopped after a failure: {}", app.failure() == null ? app.state() : app.failure().toString());
        return 1;
    }
}
