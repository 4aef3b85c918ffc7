package io.actdb.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link HeatmapData#fromResultSet} on DuckDB query results. */
class HeatmapDataTest {
  private Connection connection;

  @BeforeEach
  void open() throws SQLException {
    connection = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  private HeatmapData read(String sql) throws SQLException, PlotDataException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      return HeatmapData.fromResultSet(result);
    }
  }

  @Test
  void labelsInFirstAppearanceOrderAndMissingCellsEmpty() throws Exception {
    HeatmapData data =
        read(
            """
            SELECT * FROM (VALUES
              ('fc', 'b', 0.25), ('conv', 'c', 0.5), ('fc', 'a', 0.75), ('conv', 'b', NULL))
            """);

    assertEquals(List.of("fc", "conv"), data.rowLabels());
    assertEquals(List.of("b", "c", "a"), data.columnLabels());
    assertEquals(0.25, data.value(0, 0));
    assertTrue(Double.isNaN(data.value(0, 1)), "no row for (fc, c)");
    assertEquals(0.75, data.value(0, 2));
    assertTrue(Double.isNaN(data.value(1, 0)), "NULL value");
    assertEquals(0.5, data.value(1, 1));
    assertTrue(Double.isNaN(data.value(1, 2)), "no row for (conv, a)");
  }

  @Test
  void orderByDecidesTheOrder() throws Exception {
    HeatmapData data =
        read("SELECT r, c, r * 10 + c FROM range(3) a(r), range(2) b(c) ORDER BY r DESC, c DESC");

    assertEquals(List.of("2", "1", "0"), data.rowLabels());
    assertEquals(List.of("1", "0"), data.columnLabels());
    assertEquals(21, data.value(0, 0));
    assertEquals(0, data.value(2, 1));
  }

  @Test
  void everyNumericTypeIsAValue() throws Exception {
    HeatmapData data =
        read(
            """
            SELECT 'r', c, v FROM (VALUES
              ('int', 3::INTEGER), ('big', 4::BIGINT), ('dec', 1.25::DECIMAL(5, 2)),
              ('huge', 7::HUGEINT), ('float', 0.5::FLOAT), ('nan', 'nan'::DOUBLE),
              ('utiny', 9::UTINYINT)) t(c, v)
            """);

    double[] expected = {3, 4, 1.25, 7, 0.5, Double.NaN, 9};
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], data.value(0, i), data.columnLabels().get(i));
    }
  }

  @Test
  void wrongShapesAreRefusedWithTheReason() {
    PlotDataException twoColumns =
        assertThrows(PlotDataException.class, () -> read("SELECT 'a' AS x, 1 AS y"));
    assertTrue(twoColumns.getMessage().contains("returns 2: [x, y]"), twoColumns.getMessage());

    PlotDataException text =
        assertThrows(PlotDataException.class, () -> read("SELECT 'a', 'b', 'high' AS score"));
    assertTrue(text.getMessage().contains("'score' is VARCHAR (e.g. 'high')"), text.getMessage());

    PlotDataException twice =
        assertThrows(
            PlotDataException.class,
            () -> read("SELECT * FROM (VALUES ('a', 'b', 1), ('a', 'c', 2), ('a', 'b', 3))"));
    assertTrue(
        twice.getMessage().contains("two values for the cell of row 'a' and column 'b'"),
        twice.getMessage());

    PlotDataException empty =
        assertThrows(PlotDataException.class, () -> read("SELECT 'a', 'b', 1 WHERE false"));
    assertTrue(empty.getMessage().contains("no rows"), empty.getMessage());
  }
}
