package dev.itar.bench;

import java.util.List;

/**
 * How the benchmarks start the ingest application in a child JVM: extra JVM options (a profiler, say), then the
 * main class and the arguments that come before {@code --config FILE}, e.g. {@code dev.itar.cli.Main run}. The
 * command line layer supplies it, since it owns the commands.
 */
public record IngestorCommand(List<String> jvmOptions, List<String> mainClassAndArgs) {
    public IngestorCommand {
        jvmOptions = List.copyOf(jvmOptions);
        mainClassAndArgs = List.copyOf(mainClassAndArgs);
        if (mainClassAndArgs.isEmpty()) {
            throw new IllegalArgumentException("the ingestor command needs a main class");
        }
    }

    public IngestorCommand(List<String> mainClassAndArgs) {
        this(List.of(), mainClassAndArgs);
    }
}
