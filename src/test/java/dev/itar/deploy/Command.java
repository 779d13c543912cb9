package dev.itar.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs an external program to completion, bounded in time, with its output (stdout and stderr) kept in a file. */
final class Command {

    /** The exit code and the whole output of one run; {@code exitCode} is -1 when it was killed at the timeout. */
    record Result(List<String> command, int exitCode, String output, Duration took) {
        boolean ok() {
            return exitCode == 0;
        }

        /** The command line and the last lines of its output, for assertion messages. */
        String describe() {
            String[] lines = output.split("\n");
            int from = Math.max(0, lines.length - 40);
            return String.join(" ", command) + " -> exit " + exitCode + " after " + took.toSeconds() + " s:\n"
                    + String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
        }
    }

    private Command() {
    }

    static Result run(List<String> command, Map<String, String> env, Path directory, Duration timeout)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("itar-command-", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            long t0 = System.nanoTime();
            Process p = pb.start();
            p.getOutputStream().close();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (!done) {
                output += "\n(killed: did not finish within " + timeout.toSeconds() + " s)";
            }
            return new Result(List.copyOf(command), done ? p.exitValue() : -1, output, took);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The executable {@code name} on PATH, if any. */
    static Optional<Path> onPath(String name) {
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
}
