package io.actdb.cli;

import java.io.PrintWriter;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A table for people to read: a header, aligned columns (numbers to the right), NULL as {@code
 * NULL} and a row count. Cells with line breaks span several lines; a line longer than {@value
 * #MAX_CELL_WIDTH} characters is cut (use CSV or JSON for whole values, e.g. long vectors). The
 * whole result is held in memory to size the columns.
 */
final class TableFormat implements OutputFormat {
  static final int MAX_CELL_WIDTH = 80;

  @Override
  public String name() {
    return "table";
  }

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

  @Override
  public void write(ResultSet result, PrintWriter out) throws SQLException {
    ResultSetMetaData meta = result.getMetaData();
    int columns = meta.getColumnCount();
    boolean[] rightAligned = new boolean[columns];
    int[] widths = new int[columns];
    List<String> header = new ArrayList<>(columns);
    for (int c = 0; c < columns; c++) {
      rightAligned[c] =
          NUMERIC_TYPES.contains(meta.getColumnType(c + 1))
              || NUMERIC_TYPE_NAMES.contains(meta.getColumnTypeName(c + 1));
      header.add(meta.getColumnLabel(c + 1));
    }
    List<List<String[]>> rows = new ArrayList<>(); // row -> column -> lines of the cell
    List<String[]> headerCells = cells(header);
    while (result.next()) {
      List<String> values = new ArrayList<>(columns);
      for (int c = 1; c <= columns; c++) {
        String value = result.getString(c);
        values.add(value == null ? "NULL" : value);
      }
      rows.add(cells(values));
    }
    for (List<String[]> row : concat(headerCells, rows)) {
      for (int c = 0; c < columns; c++) {
        for (String line : row.get(c)) {
          widths[c] = Math.max(widths[c], width(line));
        }
      }
    }
    printRow(out, headerCells, widths, rightAligned);
    StringBuilder rule = new StringBuilder();
    for (int c = 0; c < columns; c++) {
      rule.append(c == 0 ? "" : "+").append("-".repeat(widths[c] + 2));
    }
    out.println(rule);
    for (List<String[]> row : rows) {
      printRow(out, row, widths, rightAligned);
    }
    out.println(rows.size() == 1 ? "(1 row)" : "(" + rows.size() + " rows)");
  }

  private static List<String[]> cells(List<String> values) {
    List<String[]> cells = new ArrayList<>(values.size());
    for (String value : values) {
      String[] lines = value.replace("\r", "").split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        lines[i] = cut(lines[i]);
      }
      cells.add(lines);
    }
    return cells;
  }

  private static String cut(String line) {
    if (width(line) <= MAX_CELL_WIDTH) {
      return line;
    }
    return line.substring(0, line.offsetByCodePoints(0, MAX_CELL_WIDTH - 3)) + "...";
  }

  private static int width(String s) {
    return s.codePointCount(0, s.length());
  }

  private static void printRow(
      PrintWriter out, List<String[]> row, int[] widths, boolean[] rightAligned) {
    int height = 1;
    for (String[] cell : row) {
      height = Math.max(height, cell.length);
    }
    StringBuilder line = new StringBuilder();
    for (int l = 0; l < height; l++) {
      line.setLength(0);
      for (int c = 0; c < widths.length; c++) {
        String[] cell = row.get(c);
        String text = l < cell.length ? cell[l] : "";
        String padding = " ".repeat(widths[c] - width(text));
        line.append(c == 0 ? " " : " | ");
        line.append(rightAligned[c] ? padding + text : text + padding);
      }
      out.println(line.toString().stripTrailing());
    }
  }

  private static <T> List<T> concat(T first, List<T> rest) {
    List<T> all = new ArrayList<>(rest.size() + 1);
    all.add(first);
    all.addAll(rest);
    return all;
  }
}
