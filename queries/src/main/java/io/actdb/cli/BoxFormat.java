package io.actdb.cli;

import io.actdb.cli.table.TextTable;
import java.io.PrintWriter;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The table layouts for people to read ({@code duckbox}, {@code table}, {@code markdown}, {@code
 * aligned}): numbers to the right, NULL as {@code NULL}, cells with line breaks over several lines
 * and lines longer than {@value TextTable#MAX_CELL_WIDTH} characters cut (CSV and JSON give whole
 * values). {@code duckbox} shows at most {@code maxRows} rows, the first and the last half, and
 * reads past the others without keeping them.
 */
final class BoxFormat implements OutputFormat {
  private static final Set<Integer> NUMERIC_TYPES =
      Set.of(
          Types.TINYINT,
          Types.SMALLINT,
          Types.INTEGER,
          Types.BIGINT,
          Types.REAL,
          Types.FLOAT,
          Types.DOUBLE,
          Types.DECIMAL,
          Types.NUMERIC);
  // DuckDB types that JDBC reports as OTHER.
  private static final Set<String> NUMERIC_TYPE_NAMES =
      Set.of("HUGEINT", "UHUGEINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT");

  private final String name;
  private final TextTable.Style style;
  private final int maxRows;

  BoxFormat(String name, TextTable.Style style, int maxRows) {
    this.name = name;
    this.style = style;
    this.maxRows = maxRows;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public OutputFormat withMaxRows(int maxRows) {
    return new BoxFormat(name, style, maxRows);
  }

  @Override
  public void write(ResultSet result, PrintWriter out) throws SQLException {
    table(result).writeTo(out);
  }

  /** Reads every row of {@code result} into a table; duckbox keeps only the rows it shows. */
  TextTable table(ResultSet result) throws SQLException {
    ResultSetMetaData meta = result.getMetaData();
    int count = meta.getColumnCount();
    List<TextTable.Column> columns = new ArrayList<>(count);
    for (int c = 1; c <= count; c++) {
      String type = meta.getColumnTypeName(c);
      boolean number =
          NUMERIC_TYPES.contains(meta.getColumnType(c)) || NUMERIC_TYPE_NAMES.contains(type);
      columns.add(
          new TextTable.Column(meta.getColumnLabel(c), type.toLowerCase(Locale.ROOT), number));
    }
    TextTable table = new TextTable(columns, style, maxRows);
    String[] values = new String[count];
    while (result.next()) {
      for (int c = 1; c <= count; c++) {
        values[c - 1] = result.getString(c);
      }
      table.add(values);
    }
    return table;
  }
}
