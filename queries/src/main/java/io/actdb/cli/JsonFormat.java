package io.actdb.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Blob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Struct;
import java.sql.Timestamp;
import java.util.Map;
import org.duckdb.DuckDBStruct;

/**
 * JSON: one array of objects, one object per row and per line, keyed by column name. Numbers stay
 * numbers (NaN and infinities become the strings {@code "NaN"}, {@code "Infinity"}), NULL is {@code
 * null}, LIST and ARRAY values are arrays, STRUCT and MAP values are objects, BLOBs are base64
 * strings, and everything else (dates, UUIDs, intervals, ...) is its string form.
 */
final class JsonFormat implements OutputFormat {
  private static final JsonFactory FACTORY = new JsonFactory();

  @Override
  public String name() {
    return "json";
  }

  @Override
  public void write(ResultSet result, PrintWriter out) throws SQLException, IOException {
    ResultSetMetaData meta = result.getMetaData();
    int columns = meta.getColumnCount();
    String[] names = new String[columns];
    for (int c = 0; c < columns; c++) {
      names[c] = meta.getColumnLabel(c + 1);
    }
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      json.setPrettyPrinter(new RowPerLine());
      json.writeStartArray();
      while (result.next()) {
        json.writeStartObject();
        for (int c = 0; c < columns; c++) {
          json.writeFieldName(names[c]);
          writeValue(json, result.getObject(c + 1));
        }
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    out.println();
  }

  private static void writeValue(JsonGenerator json, Object value)
      throws IOException, SQLException {
    switch (value) {
      case null -> json.writeNull();
      case Boolean b -> json.writeBoolean(b);
      case Byte b -> json.writeNumber(b);
      case Short s -> json.writeNumber(s);
      case Integer i -> json.writeNumber(i);
      case Long l -> json.writeNumber(l);
      case BigInteger i -> json.writeNumber(i);
      case BigDecimal d -> json.writeNumber(d);
      case Float f -> json.writeNumber(f);
      case Double d -> json.writeNumber(d);
      case String s -> json.writeString(s);
      case Array array -> {
        json.writeStartArray();
        for (Object element : (Object[]) array.getArray()) {
          writeValue(json, element);
        }
        json.writeEndArray();
      }
      case DuckDBStruct struct -> writeObject(json, struct.getMap());
      case Struct struct -> { // no field names: write the values
        json.writeStartArray();
        for (Object attribute : struct.getAttributes()) {
          writeValue(json, attribute);
        }
        json.writeEndArray();
      }
      case Map<?, ?> map -> writeObject(json, map);
      case byte[] bytes -> json.writeBinary(bytes);
      case Blob blob -> json.writeBinary(blob.getBinaryStream(), (int) blob.length());
      case Timestamp timestamp -> json.writeString(timestamp.toLocalDateTime().toString());
      default -> json.writeString(value.toString());
    }
  }

  private static void writeObject(JsonGenerator json, Map<?, ?> map)
      throws IOException, SQLException {
    json.writeStartObject();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      json.writeFieldName(String.valueOf(entry.getKey()));
      writeValue(json, entry.getValue());
    }
    json.writeEndObject();
  }

  /** Compact JSON, except that each row of the top-level array starts a new line. */
  private static final class RowPerLine extends MinimalPrettyPrinter {
    private int depth;

    @Override
    public void writeStartArray(JsonGenerator json) throws IOException {
      depth++;
      super.writeStartArray(json);
    }

    @Override
    public void beforeArrayValues(JsonGenerator json) throws IOException {
      if (depth == 1) {
        json.writeRaw("\n");
      }
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator json) throws IOException {
      super.writeArrayValueSeparator(json);
      if (depth == 1) {
        json.writeRaw("\n");
      }
    }

    @Override
    public void writeEndArray(JsonGenerator json, int values) throws IOException {
      if (depth == 1 && values > 0) {
        json.writeRaw("\n");
      }
      depth--;
      super.writeEndArray(json, values);
    }

    @Override
    public void writeStartObject(JsonGenerator json) throws IOException {
      depth++;
      super.writeStartObject(json);
    }

    @Override
    public void writeEndObject(JsonGenerator json, int values) throws IOException {
      depth--;
      super.writeEndObject(json, values);
    }
  }
}
