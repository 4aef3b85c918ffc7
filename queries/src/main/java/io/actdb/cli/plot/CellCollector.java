package io.actdb.cli.plot;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns (row label, column label, value) rows into a {@link HeatmapData}. */
final class CellCollector {
  private final Map<String, Integer> rows = new LinkedHashMap<>();
  private final Map<String, Integer> columns = new LinkedHashMap<>();
  private final Map<Long, Double> cells = new HashMap<>();

  private CellCollector() {}

  static HeatmapData collect(ResultSet result) throws SQLException, PlotDataException {
    ResultSetMetaData meta = result.getMetaData();
    if (meta.getColumnCount() != 3) {
      throw new PlotDataException(
          "a heatmap query must return 3 columns (row label, column label, value), this one"
              + " returns "
              + meta.getColumnCount()
              + ": "
              + columnNames(meta));
    }
    CellCollector collector = new CellCollector();
    while (result.next()) {
      collector.add(label(result, 1), label(result, 2), value(result, meta));
    }
    if (collector.cells.isEmpty()) {
      throw new PlotDataException("the heatmap query returned no rows");
    }
    return collector.matrix();
  }

  private void add(String row, String column, double value) throws PlotDataException {
    int r = rows.computeIfAbsent(row, k -> rows.size());
    int c = columns.computeIfAbsent(column, k -> columns.size());
    if (cells.putIfAbsent(((long) r << 32) | c, value) != null) {
      throw new PlotDataException(
          "two values for the cell of row '" + row + "' and column '" + column + "'");
    }
  }

  private HeatmapData matrix() {
    double[][] values = new double[rows.size()][columns.size()];
    for (double[] row : values) {
      Arrays.fill(row, Double.NaN);
    }
    cells.forEach((key, value) -> values[(int) (key >>> 32)][(int) (long) key] = value);
    return new HeatmapData(List.copyOf(rows.keySet()), List.copyOf(columns.keySet()), values);
  }

  private static String label(ResultSet result, int column) throws SQLException {
    String label = result.getString(column);
    return label == null ? "NULL" : label;
  }

  private static double value(ResultSet result, ResultSetMetaData meta)
      throws SQLException, PlotDataException {
    Object value = result.getObject(3);
    if (value == null) {
      return Double.NaN;
    }
    if (!(value instanceof Number number)) {
      throw new PlotDataException(
          "the third column of a heatmap query (value) must be numeric; '"
              + meta.getColumnLabel(3)
              + "' is "
              + meta.getColumnTypeName(3)
              + " (e.g. '"
              + value
              + "')");
    }
    return number.doubleValue();
  }

  private static List<String> columnNames(ResultSetMetaData meta) throws SQLException {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      names.add(meta.getColumnLabel(i));
    }
    return names;
  }
}
