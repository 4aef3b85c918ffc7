package io.actdb.cli;

import io.actdb.cli.plot.Heatmap;
import io.actdb.cli.plot.HeatmapData;
import io.actdb.cli.plot.ImageFormat;
import io.actdb.cli.plot.PlotDataException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code actdb plot heatmap}: a heatmap of a query returning (row label, column label, value), e.g.
 * CKA between the layers of two models.
 */
@Command(
    name = "heatmap",
    mixinStandardHelpOptions = true,
    description = {
      "Draws a heatmap of a query returning (row label, column label, value).",
      "Rows and columns come in the order their labels first appear (use ORDER BY).",
      "A NULL value leaves its cell empty. Earlier statements of a script run first.",
      "Prints the paths of the files written.",
    },
    footer = {
      "",
      "Examples:",
      "  ./actdb plot heatmap --store acts --out cka --title \"CKA, cnn-s1\" -c \\",
      "      \"SELECT layer_a, layer_b, cka FROM layer_cka('cnn-s1', 'cnn-s1')\"",
    })
final class PlotHeatmapCommand extends ActdbCommand {
  /** Where the query comes from: -c or -f, exactly one. */
  static final class Source {
    @Option(
        names = {"-c", "--command"},
        paramLabel = "<sql>",
        description = "The query (earlier statements separated by ';' run first).")
    String command;

    @Option(
        names = {"-f", "--file"},
        paramLabel = "<file>",
        description =
            "Read the script from this file ('-' for stdin); its last statement is the query.")
    Path file;
  }

  /**
   * Reads png or svg. A wrong name is a usage error in picocli's words; an {@code
   * IllegalArgumentException} would be shown with its class name.
   */
  static final class FormatConverter implements ITypeConverter<ImageFormat> {
    @Override
    public ImageFormat convert(String value) {
      try {
        return ImageFormat.named(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "<path>",
      description = "Output path without extension; .png and .svg are added.")
  Path out;

  @Option(names = "--title", paramLabel = "<text>", description = "Title above the chart.")
  String title;

  @Option(names = "--x-title", paramLabel = "<text>", description = "Title of the column axis.")
  String xTitle;

  @Option(names = "--y-title", paramLabel = "<text>", description = "Title of the row axis.")
  String yTitle;

  @Option(
      names = "--min",
      defaultValue = "0",
      paramLabel = "<value>",
      description = "Value at the bottom of the colour scale (default: ${DEFAULT-VALUE}).")
  double min;

  @Option(
      names = "--max",
      defaultValue = "1",
      paramLabel = "<value>",
      description = "Value at the top of the colour scale (default: ${DEFAULT-VALUE}).")
  double max;

  @Option(
      names = "--format",
      split = ",",
      defaultValue = "png,svg",
      paramLabel = "<format>",
      converter = FormatConverter.class,
      description = "Files to write, comma-separated: png, svg (default: ${DEFAULT-VALUE}).")
  List<ImageFormat> formats;

  @Mixin DatabaseOption database;

  @Override
  protected void execute() throws Exception {
    if (!(min < max) || !Double.isFinite(min) || !Double.isFinite(max)) {
      throw new ParameterException(
          spec.commandLine(), "--min must be below --max, both finite: " + min + ", " + max);
    }
    List<SqlScript.Statement> statements = SqlScript.split(script());
    if (statements.isEmpty()) {
      throw new CommandFailure("actdb: no query to plot");
    }
    HeatmapData data;
    try (Connection connection = database.open()) {
      data = query(connection, statements);
    }
    Heatmap heatmap = new Heatmap(data).title(title).xTitle(xTitle).yTitle(yTitle).range(min, max);
    for (Path file : heatmap.formats(formats).write(withoutImageExtension(out))) {
      out().println(file);
    }
  }

  private String script() throws Exception {
    if (source.command != null) {
      return source.command;
    }
    if (source.file.toString().equals("-")) {
      return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return SqlCommand.read(source.file);
  }

  /** Runs the statements in order; the last one's result is the matrix. */
  private static HeatmapData query(Connection connection, List<SqlScript.Statement> statements)
      throws SQLException, CommandFailure {
    for (SqlScript.Statement setup : statements.subList(0, statements.size() - 1)) {
      try (Statement statement = connection.createStatement()) {
        statement.execute(setup.sql());
      }
    }
    try (Statement statement = connection.createStatement()) {
      if (!statement.execute(statements.getLast().sql())) {
        throw new CommandFailure(
            "actdb: the last statement must be a query returning (row label, column label,"
                + " value)");
      }
      try (ResultSet result = statement.getResultSet()) {
        return HeatmapData.fromResultSet(result);
      } catch (PlotDataException e) {
        throw new CommandFailure("actdb: " + e.getMessage(), e);
      }
    }
  }

  /** {@code cka.png} means {@code cka}: the extensions are added per format. */
  private static Path withoutImageExtension(Path out) {
    String name = out.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    for (ImageFormat format : ImageFormat.values()) {
      if (lower.endsWith("." + format.extension()) && name.length() > 4) {
        return out.resolveSibling(name.substring(0, name.length() - 4));
      }
    }
    return out;
  }
}
