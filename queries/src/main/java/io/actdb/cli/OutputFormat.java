package io.actdb.cli;

import io.actdb.cli.table.TextTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** How a query result is printed; one implementation per format. */
interface OutputFormat {
  /** The name users give to {@code --format}. */
  String name();

  /** Writes every row of {@code result} to {@code out}; does not close either. */
  void write(ResultSet result, PrintWriter out) throws SQLException, IOException;

  /**
   * This format showing at most {@code maxRows} rows, where it limits rows at all (duckbox, as in
   * DuckDB's CLI); 0 shows every row.
   */
  default OutputFormat withMaxRows(int maxRows) {
    return this;
  }

  /** DuckDB CLI's {@code .maxrows} default. */
  int DEFAULT_MAX_ROWS = 40;

  /** The format called {@code name} (one of {@link #NAMES}, any case). */
  static OutputFormat named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "duckbox" -> new BoxFormat("duckbox", TextTable.Style.DUCKBOX, DEFAULT_MAX_ROWS);
      case "table" -> new BoxFormat("table", TextTable.Style.TABLE, 0);
      case "markdown" -> new BoxFormat("markdown", TextTable.Style.MARKDOWN, 0);
      case "column" -> new BoxFormat("column", TextTable.Style.COLUMN, 0);
      case "aligned" -> new BoxFormat("aligned", TextTable.Style.ALIGNED, 0);
      case "line" -> new LineFormat();
      case "csv" -> new CsvFormat();
      case "json" -> new JsonFormat();
      default ->
          throw new IllegalArgumentException(
              "unknown format '" + name + "' (expected one of " + String.join(", ", NAMES) + ")");
    };
  }

  List<String> NAMES =
      List.of("duckbox", "table", "markdown", "column", "line", "csv", "json", "aligned");

  /** Lets picocli parse {@code --format}. */
  final class Converter implements ITypeConverter<OutputFormat> {
    @Override
    public OutputFormat convert(String value) {
      try {
        return named(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** The format names, for picocli's help and completion. */
  final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return NAMES.iterator();
    }
  }
}
