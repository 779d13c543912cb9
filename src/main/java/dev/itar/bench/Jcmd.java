package dev.itar.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The JDK's {@code jcmd}, run against a child JVM. */
final class Jcmd {
    private Jcmd() {
    }

    /**
     * Runs {@code jcmd <pid> <command>} and returns what it printed.
     *
     * @throws IllegalStateException it failed or took over a minute; the message has its first line of output
     */
    static String run(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(jcmd + " " + pid + " " + command + " failed: "
                    + out.lines().findFirst().orElse(""));
        }
        return out;
    }
}
