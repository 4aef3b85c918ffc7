package io.actdb.cli.plot;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * A matrix to draw as a heatmap: row labels (top to bottom), column labels (left to right) and one
 * value per cell; {@code NaN} is an empty cell. Immutable.
 */
public final class HeatmapData {
  private final List<String> rowLabels;
  private final List<String> columnLabels;
  private final double[][] values;

  /**
   * @param values {@code values[row][column]}, one row per row label, one entry per column label
   * @throws IllegalArgumentException if there is no row or no column, a label repeats, or the shape
   *     of {@code values} does not match the labels
   */
  public HeatmapData(List<String> rowLabels, List<String> columnLabels, double[][] values) {
    this.rowLabels = List.copyOf(rowLabels);
    this.columnLabels = List.copyOf(columnLabels);
    requireDistinct("row", this.rowLabels);
    requireDistinct("column", this.columnLabels);
    if (values.length != this.rowLabels.size()) {
      throw new IllegalArgumentException(
          values.length + " rows of values for " + this.rowLabels.size() + " row labels");
    }
    this.values = new double[values.length][];
    for (int row = 0; row < values.length; row++) {
      if (values[row].length != this.columnLabels.size()) {
        throw new IllegalArgumentException(
            "row "
                + row
                + " has "
                + values[row].length
                + " values for "
                + this.columnLabels.size()
                + " column labels");
      }
      this.values[row] = values[row].clone();
    }
  }

  /**
   * Reads a matrix from a query result of three columns: row label, column label, value. Rows and
   * columns come in the order in which their labels first appear, so the query's {@code ORDER BY}
   * decides it. A NULL or NaN value leaves its cell empty; a NULL label reads as {@code NULL}. The
   * result set is read to its end but not closed.
   *
   * @throws PlotDataException if the result does not have three columns, the third is not numeric,
   *     a cell gets two values, or there are no rows
   */
  public static HeatmapData fromResultSet(ResultSet result) throws SQLException, PlotDataException {
    return CellCollector.collect(result);
  }

  /** Row labels, top to bottom. */
  public List<String> rowLabels() {
    return rowLabels;
  }

  /** Column labels, left to right. */
  public List<String> columnLabels() {
    return columnLabels;
  }

  /** The value of a cell, {@code NaN} if it is empty. */
  public double value(int row, int column) {
    return values[row][column];
  }

  @Override
  public String toString() {
    return "HeatmapData" + rowLabels + "x" + columnLabels + Arrays.deepToString(values);
  }

  private static void requireDistinct(String what, List<String> labels) {
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("no " + what + " labels");
    }
    if (labels.stream().distinct().count() != labels.size()) {
      throw new IllegalArgumentException("repeated " + what + " label in " + labels);
    }
  }
}
