package dev.itar.deploy;

import dev.itar.files.FileTrees;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Docker engine of this test's own: Debian's {@code dockerd} started with its own data root, exec root, pidfile
 * and socket under one directory, so nothing else on the machine (Testcontainers looks at the default socket)
 * sees it, and nothing it does outlives it. It has no bridge and touches no firewall rules
 * ({@code --bridge=none --iptables=false}): containers can only use the host's network, i.e. 127.0.0.1, and no
 * private-range address is ever created. {@link #close()} stops it by the PID this JVM started, unmounts what
 * it leaves behind and deletes the directory.
 */
final class PrivateDockerEngine implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    /** Why an engine cannot run here (not root, no dockerd, it would not start): a reason to skip, not a failure. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String reason) {
            super(reason);
        }
    }

    private final Path dir;
    private final Process dockerd;
    private final Thread stopOnExit;

    private PrivateDockerEngine(Path dir, Process dockerd) {
        this.dir = dir;
        this.dockerd = dockerd;
        // a test JVM that is killed or interrupted must not leave an engine running
        this.stopOnExit = new Thread(dockerd::destroy, "itar-private-dockerd-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** Starts an engine under {@code dir} (a fresh, short path: the socket lives there) and waits until it answers. */
    static PrivateDockerEngine start(Path dir) throws Unavailable, IOException, InterruptedException {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (!Integer.valueOf(0).equals(uid)) {
            throw new Unavailable("dockerd needs root; this JVM runs as uid " + uid);
        }
        Path binary = Command.onPath("dockerd").orElseThrow(() -> new Unavailable(
                "no dockerd on PATH (Debian's docker.io package provides it; .ci/run installs it)"));
        if (Command.onPath("docker").isEmpty()) {
            throw new Unavailable("no docker client on PATH");
        }
        Files.createDirectories(dir.resolve("config"));
        Path log = dir.resolve("dockerd.log");
        List<String> command = List.of(binary.toString(),
                "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString(),
                "--pidfile", dir.resolve("dockerd.pid").toString(),
                "--host", "unix://" + dir.resolve("docker.sock"),
                "--storage-driver", "overlay2",
                "--bridge=none", "--iptables=false", "--ip-masq=false", "--ip6tables=false");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        PrivateDockerEngine engine = new PrivateDockerEngine(dir, process);
        try {
            engine.awaitAnswer(log);
            return engine;
        } catch (Unavailable | IOException | InterruptedException | RuntimeException e) {
            try {
                engine.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void awaitAnswer(Path log) throws Unavailable, IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            Command.Result r = Command.run(List.of("docker", "version", "--format", "{{.Server.Version}}"), env(),
                    dir, Duration.ofSeconds(20));
            if (r.ok()) {
                return;
            }
            // waiting on dockerd itself: returns at once when it died (it could not start here)
            if (dockerd.waitFor(250, TimeUnit.MILLISECONDS)) {
                throw new Unavailable("dockerd exited with " + dockerd.exitValue() + " at start: " + tail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new Unavailable("dockerd did not answer within " + START_TIMEOUT.toSeconds() + " s: "
                        + tail(log));
            }
        }
    }

    /** What a docker client (and Compose) needs to talk to this engine only. */
    Map<String, String> env() {
        return Map.of("DOCKER_HOST", "unix://" + dir.resolve("docker.sock"),
                "DOCKER_CONFIG", dir.resolve("config").toString());
    }

    long pid() {
        return dockerd.pid();
    }

    /**
     * Stops the engine (SIGTERM to its PID, SIGKILL after {@link #STOP_TIMEOUT}), unmounts whatever is still
     * mounted under its directory (dockerd leaves its network namespace mount) and deletes the directory.
     *
     * @throws IllegalStateException naming what could not be unmounted; the directory is then kept, since
     *                               deleting it would reach into the mount
     */
    @Override
    public void close() throws IOException {
        dockerd.destroy();
        try {
            if (!dockerd.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                dockerd.destroyForcibly();
                dockerd.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dockerd.destroyForcibly();
            throw new IllegalStateException("interrupted while stopping dockerd (pid " + dockerd.pid() + "); "
                    + dir + " is kept", e);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
        List<String> left = mountsUnder(dir);
        Collections.reverse(left); // inner mounts first
        for (String mount : left) {
            umount(mount);
        }
        List<String> stuck = mountsUnder(dir);
        if (!stuck.isEmpty()) {
            throw new IllegalStateException("still mounted after stopping dockerd (pid " + dockerd.pid() + "): "
                    + stuck + "; " + dir + " is kept");
        }
        FileTrees.deleteRecursively(dir);
    }

    private static void umount(String mountPoint) throws IOException {
        try {
            Command.run(List.of("umount", mountPoint), Map.of(), Path.of("/"), Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unmounting " + mountPoint, e);
        }
    }

    /** Mount points at or below {@code dir}, in mount order (from /proc/self/mounts, octal escapes decoded). */
    static List<String> mountsUnder(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        String prefix = dir.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"), StandardCharsets.UTF_8)) {
            String[] fields = line.split(" ");
            if (fields.length < 2) {
                continue;
            }
            String mountPoint = unescape(fields[1]);
            if (mountPoint.equals(prefix) || mountPoint.startsWith(prefix + "/")) {
                out.add(mountPoint);
            }
        }
        return out;
    }

    private static String unescape(String field) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                sb.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }

    @Override
    public String toString() {
        return "PrivateDockerEngine[pid " + dockerd.pid() + ", " + dir + "]";
    }
}
