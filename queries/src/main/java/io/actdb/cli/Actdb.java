package io.actdb.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Root of the {@code actdb} command line. A new subcommand is one more entry in {@code
 * subcommands}; it extends {@link ActdbCommand}, which maps failures to exit codes in one place: 0
 * ok, 1 failure, 2 usage error.
 */
@Command(
    name = "actdb",
    mixinStandardHelpOptions = true,
    versionProvider = ActdbVersion.class,
    description = "Embedded analytics database for neural-network activations (DuckDB + CKA).",
    subcommands = {
      SqlCommand.class,
      InfoCommand.class,
      ImportCommand.class,
      ExtractCommand.class,
      ModelsCommand.class,
      TrainCommand.class,
      DemoCommand.class,
      TourCommand.class,
      BenchStub.class,
      PlotCommand.class,
      CommandLine.HelpCommand.class,
    },
    footer = {
      "",
      "The ./actdb launcher also runs the test suite: ./actdb test",
      "Exit status: 0 ok, 1 failure (e.g. a SQL error), 2 usage error.",
    })
public final class Actdb implements Runnable {
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Actdb()).execute(args));
  }

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "Missing command: use one of " + commandNames());
  }

  private String commandNames() {
    return String.join(", ", spec.subcommands().keySet());
  }
}
