package io.actdb.cli;

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

  /** The format called {@code name} ({@code table}, {@code csv} or {@code json}, any case). */
  static OutputFormat named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "table" -> new TableFormat();
      case "csv" -> new CsvFormat();
      case "json" -> new JsonFormat();
      default ->
          throw new IllegalArgumentException(
              "unknown format '" + name + "' (expected one of " + String.join(", ", NAMES) + ")");
    };
  }

  List<String> NAMES = List.of("table", "csv", "json");

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
