package dev.itar.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code java -jar itar-ingest.jar}. Subcommands are registered here, in the order a new user
 * meets them: try it, run it, inspect what it wrote.
 */
@Command(
        name = "itar-ingest",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Lands vehicle sensor frames from Kafka in ncore v4 zarr-format-3 .zarr.itar archives.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        Subcommands.register(cl);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
