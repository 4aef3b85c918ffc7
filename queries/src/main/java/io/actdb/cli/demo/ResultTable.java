package io.actdb.cli.demo;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A query result held in memory, so it can be printed, written as Markdown and plotted. */
public record ResultTable(String title, List<String> columns, List<List<Object>> rows) {

  public static ResultTable of(String title, ResultSet rs) throws SQLException {
    ResultSetMetaData meta = rs.getMetaData();
    List<String> columns = new ArrayList<>();
    for (int c = 1; c <= meta.getColumnCount(); c++) columns.add(meta.getColumnLabel(c));
    List<List<Object>> rows = new ArrayList<>();
    while (rs.next()) {
      List<Object> row = new ArrayList<>();
      for (int c = 1; c <= columns.size(); c++) row.add(rs.getObject(c));
      rows.add(row);
    }
    return new ResultTable(title, List.copyOf(columns), rows);
  }

  public int column(String name) {
    int i = columns.indexOf(name);
    if (i < 0) throw new IllegalArgumentException(title + ": no column " + name + " in " + columns);
    return i;
  }

  /** A numeric cell as a double (NaN for NULL). */
  public double number(int row, String column) {
    Object v = rows.get(row).get(column(column));
    return v == null ? Double.NaN : ((Number) v).doubleValue();
  }

  public String text(int row, String column) {
    return String.valueOf(rows.get(row).get(column(column)));
  }

  private static String cell(Object v) {
    return v == null ? "NULL" : v.toString();
  }

  /** Aligned columns for a terminal; numbers right-aligned. */
  public String toConsole() {
    int[] width = new int[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      width[c] = columns.get(c).length();
      for (List<Object> row : rows) width[c] = Math.max(width[c], cell(row.get(c)).length());
    }
    StringBuilder b = new StringBuilder();
    for (int c = 0; c < columns.size(); c++)
      b.append(c == 0 ? " " : " | ").append(pad(columns.get(c), width[c], false));
    b.append('\n');
    for (int c = 0; c < columns.size(); c++)
      b.append(c == 0 ? "-" : "-+-").append("-".repeat(width[c]));
    b.append('\n');
    for (List<Object> row : rows) {
      for (int c = 0; c < columns.size(); c++) {
        Object v = row.get(c);
        b.append(c == 0 ? " " : " | ").append(pad(cell(v), width[c], v instanceof Number));
      }
      b.append('\n');
    }
    return b.toString();
  }

  public String toMarkdown() {
    StringBuilder b = new StringBuilder("| ").append(String.join(" | ", columns)).append(" |\n|");
    for (int c = 0; c < columns.size(); c++)
      b.append(
          rows.isEmpty() || !(rows.getFirst().get(c) instanceof Number) ? " --- |" : " ---: |");
    b.append('\n');
    for (List<Object> row : rows) {
      b.append("|");
      for (Object v : row) b.append(' ').append(cell(v).replace("|", "\\|")).append(" |");
      b.append('\n');
    }
    return b.toString();
  }

  private static String pad(String s, int width, boolean right) {
    String fill = " ".repeat(Math.max(0, width - s.length()));
    return right ? fill + s : s + fill;
  }
}
