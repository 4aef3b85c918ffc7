package io.actdb.bench;

import io.actdb.cli.Actdb;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The part of the {@code actdb} command line that runs benchmarks: {@code actdb bench ...} and
 * {@code actdb help bench ...}. The {@code ./actdb} launcher runs this class instead of the CLI's
 * for those, with the same arguments, on this module's own class path, so that the CLI and the JDBC
 * jar carry no benchmark code while usage lines and errors read as before.
 */
@Command(
    name = "actdb",
    description = "actdb benchmarks: actdb bench --help lists them.",
    subcommands = {BenchCommand.class, HelpCommand.class})
public final class Bench implements Runnable {
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return Actdb.shortUsageErrors(new CommandLine(new Bench()));
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command: use bench");
  }
}
