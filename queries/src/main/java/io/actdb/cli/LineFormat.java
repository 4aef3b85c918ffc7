package io.actdb.cli;

import java.io.PrintWriter;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/**
 * DuckDB's {@code line} mode: one {@code name = value} line per column, the names right-aligned,
 * and an empty line between rows. Wide rows stay readable; nothing is held but the current row.
 */
final class LineFormat implements OutputFormat {
  @Override
  public String name() {
    return "line";
  }

  @Override
  public void write(ResultSet result, PrintWriter out) throws SQLException {
    ResultSetMetaData meta = result.getMetaData();
    int columns = meta.getColumnCount();
    String[] names = new String[columns];
    int width = 5; // the sqlite shell's narrowest name column, which DuckDB's keeps
    for (int c = 0; c < columns; c++) {
      names[c] = meta.getColumnLabel(c + 1);
      width = Math.max(width, names[c].length());
    }
    boolean first = true;
    while (result.next()) {
      if (!first) {
        out.println();
      }
      first = false;
      for (int c = 0; c < columns; c++) {
        String value = result.getString(c + 1);
        out.println(
            " ".repeat(width - names[c].length())
                + names[c]
                + " = "
                + (value == null ? "NULL" : value));
      }
    }
  }
}
