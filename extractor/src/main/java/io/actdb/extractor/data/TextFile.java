package io.actdb.extractor.data;

import io.actdb.extractor.ExtractorException;
import io.actdb.storage.Sample;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A CSV, Parquet or JSON-lines file of texts, read with DuckDB so that the three formats share one
 * reader (and DuckDB's type detection).
 *
 * <ul>
 *   <li>CSV: a header row is required; the delimiter, quoting and column types are detected.
 *   <li>JSON lines ({@code .jsonl}): one object per line; keys are the columns.
 *   <li>Parquet: the file's columns.
 * </ul>
 *
 * Rows keep the file's order. A row's id is the id column's value (integers, unique) or else its
 * 0-based row number; its {@code source} is {@code <file>:<row>}. An integer label column gives the
 * label index (and the number as the label name); any other label column gives label names,
 * numbered 0, 1, ... in the sorted order of the distinct names. Rows whose text is null, empty or
 * blank are skipped and counted; their row numbers stay unused.
 */
final class TextFile {
  private TextFile() {}

  enum Format {
    CSV("CSV", "read_csv(%s, header = true)"),
    PARQUET("Parquet", "read_parquet(%s)"),
    JSONL("JSON lines", "read_json(%s, format = 'newline_delimited')");

    final String title;
    private final String scan;

    Format(String title, String scan) {
      this.title = title;
      this.scan = scan;
    }

    /** The format a file name's extension says, or null. */
    static Format of(String fileName) {
      String name = fileName.toLowerCase(Locale.ROOT);
      if (name.endsWith(".csv")) return CSV;
      if (name.endsWith(".parquet")) return PARQUET;
      if (name.endsWith(".jsonl")) return JSONL;
      return null;
    }

    String scan(Path file) {
      return scan.formatted("'" + file.toString().replace("'", "''") + "'");
    }
  }

  private static final Set<String> INTEGER_TYPES =
      Set.of(
          "TINYINT",
          "SMALLINT",
          "INTEGER",
          "BIGINT",
          "HUGEINT",
          "UTINYINT",
          "USMALLINT",
          "UINTEGER",
          "UBIGINT",
          "UHUGEINT");

  static TextRows read(Path file, Format format, TextColumns columns) throws ExtractorException {
    if (!Files.isRegularFile(file)) {
      throw new ExtractorException("--data " + file + ": no such file");
    }
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      Map<String, String> types = columnTypes(st, file, format);
      String text = column(file, types, columns.textOrDefault(), "--text-column");
      String label =
          columns.label() == null ? null : column(file, types, columns.label(), "--label-column");
      String id = columns.id() == null ? null : column(file, types, columns.id(), "--id-column");
      String split =
          columns.split() == null ? null : column(file, types, columns.split(), "--split-column");
      if (id != null && !INTEGER_TYPES.contains(types.get(id))) {
        throw new ExtractorException(
            file
                + ": the id column '"
                + id
                + "' holds "
                + types.get(id)
                + " values; sample ids must be integers (leave out --id-column to number the"
                + " rows)");
      }
      boolean integerLabels = label != null && INTEGER_TYPES.contains(types.get(label));
      String query =
          "SELECT "
              + asText(text)
              + ", "
              + (label == null ? "NULL" : integerLabels ? quote(label) : asText(label))
              + ", "
              + (id == null ? "NULL" : quote(id))
              + ", "
              + (split == null ? "NULL" : asText(split))
              + " FROM "
              + format.scan(file);
      return rows(st, file, query, integerLabels, id);
    } catch (SQLException e) {
      throw new ExtractorException(
          "cannot read " + file + " as " + format.title + ": " + firstLine(e.getMessage()), e);
    }
  }

  private static TextRows rows(
      Statement st, Path file, String query, boolean integerLabels, String idColumn)
      throws SQLException, ExtractorException {
    List<String> texts = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    List<Long> rowNumbers = new ArrayList<>();
    List<Object> labels = new ArrayList<>();
    List<String> splits = new ArrayList<>();
    Map<Long, Long> rowOfId = new HashMap<>();
    int skippedEmpty = 0;
    long row = 0;
    try (ResultSet rs = st.executeQuery(query)) {
      for (; rs.next(); row++) {
        Long id = row;
        if (idColumn != null) {
          id = integerId(rs.getObject(3), file, idColumn, row);
          Long earlier = rowOfId.putIfAbsent(id, row);
          if (earlier != null) {
            throw new ExtractorException(
                file
                    + ": sample id "
                    + id
                    + " of column '"
                    + idColumn
                    + "' appears twice, in rows "
                    + earlier
                    + " and "
                    + row
                    + " (rows counted from 0 after the header); ids must be unique");
          }
        }
        String text = rs.getString(1);
        if (TextRows.isBlank(text)) {
          skippedEmpty++;
          continue;
        }
        texts.add(text);
        ids.add(id);
        rowNumbers.add(row);
        labels.add(integerLabels ? integerLabel(rs.getObject(2), file, row) : rs.getString(2));
        splits.add(rs.getString(4));
      }
    }
    if (texts.isEmpty()) {
      throw new ExtractorException(
          file
              + ": no text to extract ("
              + row
              + " rows, "
              + skippedEmpty
              + " of them with an empty text)");
    }
    Map<String, Integer> labelIndex = new LinkedHashMap<>();
    if (!integerLabels) {
      TreeSet<String> names = new TreeSet<>();
      for (Object l : labels) if (l != null) names.add((String) l);
      for (String name : names) labelIndex.put(name, labelIndex.size());
    }
    List<Sample> samples = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      Object l = labels.get(i);
      Integer label = l == null ? null : integerLabels ? (Integer) l : labelIndex.get(l);
      String labelName = l == null ? null : l.toString();
      samples.add(
          TextRows.sample(
              ids.get(i),
              splits.get(i),
              label,
              labelName,
              file + ":" + rowNumbers.get(i),
              texts.get(i)));
    }
    return new TextRows(file.toString(), samples, texts, skippedEmpty, 0);
  }

  private static long integerId(Object value, Path file, String column, long row)
      throws ExtractorException {
    if (value == null) {
      throw new ExtractorException(
          file + ": row " + row + " has no value in the id column '" + column + "'");
    }
    try {
      return new BigDecimal(value.toString()).longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new ExtractorException(
          file
              + ": row "
              + row
              + ": id "
              + value
              + " in column '"
              + column
              + "' is not a 64-bit integer");
    }
  }

  private static Integer integerLabel(Object value, Path file, long row) throws ExtractorException {
    if (value == null) return null;
    try {
      return new BigDecimal(value.toString()).intValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new ExtractorException(
          file + ": row " + row + ": label " + value + " does not fit a 32-bit label index");
    }
  }

  /** Column name → DuckDB type, in the file's order. */
  private static Map<String, String> columnTypes(Statement st, Path file, Format format)
      throws SQLException {
    Map<String, String> types = new LinkedHashMap<>();
    try (ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + format.scan(file))) {
      while (rs.next()) types.put(rs.getString("column_name"), rs.getString("column_type"));
    }
    return types;
  }

  /** The file's column named {@code wanted}: exactly, else the one equal ignoring case. */
  private static String column(Path file, Map<String, String> types, String wanted, String option)
      throws ExtractorException {
    if (types.containsKey(wanted)) return wanted;
    List<String> similar = new ArrayList<>();
    for (String name : types.keySet()) if (name.equalsIgnoreCase(wanted)) similar.add(name);
    if (similar.size() == 1) return similar.getFirst();
    throw new ExtractorException(
        file
            + " has no column '"
            + wanted
            + "' ("
            + option
            + "); its columns are: "
            + String.join(", ", types.keySet()));
  }

  private static String quote(String column) {
    return '"' + column.replace("\"", "\"\"") + '"';
  }

  private static String asText(String column) {
    return "CAST(" + quote(column) + " AS VARCHAR)";
  }

  private static String firstLine(String message) {
    if (message == null) return "unknown error";
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
