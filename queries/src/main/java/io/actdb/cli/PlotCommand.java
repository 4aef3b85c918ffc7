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
    subcommands = {PlotHeatmapCommand.class},
    footer = {
      "",
      "Examples:",
      "  ./actdb plot heatmap --store acts --out cka -c \\",
      "      \"SELECT a.layer, b.layer, cka(a.vec, b.vec) FROM activations a \\",
      "       JOIN activations b USING (model, sample_id) WHERE model = 'cnn-s1' \\",
      "       GROUP BY ALL ORDER BY ALL\"",
    })
final class PlotCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "Missing chart: use one of " + String.join(", ", spec.subcommands().keySet()));
  }
}
