package dev.itar.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * A subcommand that writes through its command line's writers rather than System.out/err, so that tests and
 * embedding callers can capture exactly what a user would see.
 */
abstract class ConsoleCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
