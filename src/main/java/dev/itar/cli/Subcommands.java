package dev.itar.cli;

import picocli.CommandLine;

/** The one place that lists the subcommands, so adding a command touches a single line. */
final class Subcommands {
    private Subcommands() {}

    static void register(CommandLine cl) {
        // one line per command, in the order `--help` shows them
        cl.addSubcommand(new DemoCommand());
        cl.addSubcommand(new RunCommand());
        cl.addSubcommand(new SimulateCommand());
        cl.addSubcommand(new InspectCommand());
        cl.addSubcommand(new VerifyCommand());
        cl.addSubcommand(new CatCommand());
        cl.addSubcommand(new MigrateCommand());
        cl.addSubcommand(new BenchCommand());
        cl.addSubcommand(new PublishCommand());
        cl.addSubcommand(new RebuildCommand());
    }
}
