package io.actdb.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code actdb plot}: charts of query results; one subcommand per kind of chart. */
@Command(
    name = "plot",
    mixinStandardHelpOptions = true,
    description = "Draws a chart of a query result as PNG and SVG files.",
    subcommands = {PlotHeatmapCommand.class})
final class PlotCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "Missing chart: use one of " + String.join(", ", spec.subcommands().keySet()));
  }
}
