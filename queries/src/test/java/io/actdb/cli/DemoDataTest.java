package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The data the demo generates, checked with plain SQL (the CKA functions are tested in
 * sql-functions): the shapes, and that its "rotated" and "scaled" Y really are an orthogonal map
 * and a scaling of X, so the demo's claims rest on the data.
 */
class DemoDataTest {
  private static Connection connection;

  @BeforeAll
  static void generate() throws SQLException {
    connection = DriverManager.getConnection("jdbc:duckdb:");
    for (String sql :
        new String[] {TourCommand.randomNumbersSql(), TourCommand.representationsSql()}) {
      for (SqlScript.Statement statement : SqlScript.split(sql)) {
        try (Statement s = connection.createStatement()) {
          s.execute(statement.sql());
        }
      }
    }
  }

  @AfterAll
  static void close() throws SQLException {
    connection.close();
  }

  private static double number(String sql) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      assertTrue(r.next(), sql);
      return r.getDouble(1);
    }
  }

  @Test
  void everyRepresentationHasOneVectorPerSample() throws SQLException {
    assertEquals(6, number("SELECT count(DISTINCT rep) FROM reps"));
    assertEquals(
        6.0 * TourCommand.SAMPLES,
        number("SELECT count(*) FROM reps WHERE typeof(vec) = 'FLOAT[" + TourCommand.DIM + "]'"));
  }

  @Test
  void xIsStandardNormal() throws SQLException {
    assertEquals(0, number("SELECT avg(x) FROM gen"), 0.01);
    assertEquals(1, number("SELECT stddev(x) FROM gen"), 0.01);
    assertEquals(0, number("SELECT corr(x, noise) FROM gen"), 0.01);
    assertEquals(0, number("SELECT corr(x, z) FROM gen"), 0.01);
  }

  @Test
  void rotationKeepsInnerProductsAndMovesCoordinates() throws SQLException {
    String pairs =
        """
        FROM reps x1 JOIN reps r1 USING (sample_id), reps x2 JOIN reps r2 USING (sample_id)
        WHERE x1.rep = 'X' AND r1.rep = 'rotated' AND x2.rep = 'X' AND r2.rep = 'rotated'
          AND x1.sample_id < 40 AND x2.sample_id < 40
        """;
    // Y = X Q with Q orthogonal  <=>  Y Y' = X X'
    assertEquals(
        0,
        number(
            "SELECT max(abs(array_inner_product(r1.vec, r2.vec) - array_inner_product(x1.vec,"
                + " x2.vec))) "
                + pairs),
        1e-3);
    // ... and it is not the identity
    assertTrue(
        number(
                "SELECT max(array_distance(x.vec, y.vec)) FROM reps x JOIN reps y USING (sample_id)"
                    + " WHERE x.rep = 'X' AND y.rep = 'rotated'")
            > 1);
  }

  @Test
  void scaledIsThreeAndAHalfTimesX() throws SQLException {
    String pairs =
        " FROM reps x JOIN reps y USING (sample_id) WHERE x.rep = 'X' AND y.rep = 'scaled'";
    assertEquals(1, number("SELECT min(array_cosine_similarity(x.vec, y.vec))" + pairs), 1e-6);
    assertEquals(
        3.5,
        number(
            "SELECT max(sqrt(array_inner_product(y.vec, y.vec) / array_inner_product(x.vec,"
                + " x.vec)))"
                + pairs),
        1e-5);
  }
}
