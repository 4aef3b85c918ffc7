package io.actdb.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/**
 * CSV: a header row with the column names, then one line per row, written by Jackson's CSV
 * generator. Fields are quoted as RFC 4180 says (when they hold a comma, a double quote or a line
 * break; quotes are doubled). NULL is an empty field and the empty string is {@code ""}, so the two
 * stay apart. Lines end with LF.
 */
final class CsvFormat implements OutputFormat {
  private static final CsvFactory FACTORY =
      CsvFactory.builder().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();

  @Override
  public String name() {
    return "csv";
  }

  @Override
  public void write(ResultSet result, PrintWriter out) throws SQLException, IOException {
    ResultSetMetaData meta = result.getMetaData();
    int columns = meta.getColumnCount();
    CsvSchema.Builder schema = CsvSchema.builder().setLineSeparator("\n").setNullValue("");
    for (int c = 1; c <= columns; c++) {
      schema.addColumn("c" + c);
    }
    try (CsvGenerator csv = FACTORY.createGenerator(out)) {
      csv.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      csv.setSchema(schema.build());
      csv.writeStartArray();
      for (int c = 1; c <= columns; c++) {
        csv.writeString(meta.getColumnLabel(c));
      }
      csv.writeEndArray();
      while (result.next()) {
        csv.writeStartArray();
        for (int c = 1; c <= columns; c++) {
          String value = result.getString(c);
          if (value == null) {
            csv.writeNull();
          } else if (value.isEmpty()) {
            // Jackson's strict quoting check leaves "" bare, and bare it would read back as NULL.
            csv.writeRawValue("\"\"");
          } else {
            csv.writeString(value);
          }
        }
        csv.writeEndArray();
      }
    }
  }
}
