package io.actdb.cli.demo;

import io.actdb.cli.table.TextTable;
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
    return v == null ? null : v.toString();
  }

  /** DuckDB's box for a terminal, every row shown; numbers right-aligned. */
  public String toConsole() {
    return render(TextTable.Style.DUCKBOX);
  }

  /** A Markdown table; a column whose first value is a number is right-aligned. */
  public String toMarkdown() {
    return render(TextTable.Style.MARKDOWN);
  }

  private String render(TextTable.Style style) {
    List<TextTable.Column> header = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      boolean number = !rows.isEmpty() && rows.getFirst().get(c) instanceof Number;
      header.add(new TextTable.Column(columns.get(c), null, number));
    }
    TextTable table = new TextTable(header, style);
    for (List<Object> row : rows) {
      table.add(row.stream().map(ResultTable::cell).toArray(String[]::new));
    }
    return table.render();
  }
}
