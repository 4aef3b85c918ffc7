package io.actdb.cli;

import java.io.PrintWriter;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/**
 * CSV: a header row with the column names, then one line per row. Fields are quoted as RFC 4180
 * says (when they hold a comma, a double quote or a line break; quotes are doubled). NULL is an
 * empty field and the empty string is {@code ""}, so the two stay apart. Lines end with LF.
 */
final class CsvFormat implements OutputFormat {

  @Override
  public String name() {
    return "csv";
  }

  @Override
  public void write(ResultSet result, PrintWriter out) throws SQLException {
    ResultSetMetaData meta = result.getMetaData();
    int columns = meta.getColumnCount();
    StringBuilder line = new StringBuilder();
    for (int c = 1; c <= columns; c++) {
      appendField(line, meta.getColumnLabel(c), c);
    }
    out.print(line.append('\n'));
    while (result.next()) {
      line.setLength(0);
      for (int c = 1; c <= columns; c++) {
        appendField(line, result.getString(c), c);
      }
      out.print(line.append('\n'));
    }
  }

  private static void appendField(StringBuilder line, String value, int column) {
    if (column > 1) {
      line.append(',');
    }
    if (value == null) {
      return;
    }
    boolean quote =
        value.isEmpty()
            || value.indexOf(',') >= 0
            || value.indexOf('"') >= 0
            || value.indexOf('\n') >= 0
            || value.indexOf('\r') >= 0;
    if (quote) {
      line.append('"').append(value.replace("\"", "\"\"")).append('"');
    } else {
      line.append(value);
    }
  }
}
