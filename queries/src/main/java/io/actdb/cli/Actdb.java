package io.actdb.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

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
      ExportCommand.class,
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
    System.exit(commandLine().execute(args));
  }

  /** The actdb command line, with its usage errors kept short. */
  public static CommandLine commandLine() {
    CommandLine commandLine = shortUsageErrors(new CommandLine(new Actdb()));
    // picocli's own help command takes no annotations of ours: its examples are set here
    commandLine
        .getSubcommands()
        .get("help")
        .getCommandSpec()
        .usageMessage()
        .footer("", "Examples:", "  ./actdb help sql", "  ./actdb help plot heatmap");
    return commandLine;
  }

  /**
   * A usage error prints its message, picocli's suggestions for a mistyped name, and where the help
   * is, not the whole help: the one line that matters stays on the screen.
   */
  public static CommandLine shortUsageErrors(CommandLine commandLine) {
    return commandLine.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine failed = e.getCommandLine();
          PrintWriter err = failed.getErr();
          err.println(e.getMessage());
          UnmatchedArgumentException.printSuggestions(e, err);
          err.printf("See '%s --help'.%n", failed.getCommandSpec().qualifiedName());
          return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
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
