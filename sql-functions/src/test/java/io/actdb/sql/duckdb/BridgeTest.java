package io.actdb.sql.duckdb;

import static io.actdb.sql.TestDb.exec;
import static io.actdb.sql.TestDb.scalar;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.ActdbFunctions;
import io.actdb.sql.TestDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;

/** The FFM bridge: state lifetime, errors, registration, and the driver version guard. */
class BridgeTest {

  @Test
  void tenThousandGroupsLeaveNoStateBehind() throws SQLException {
    int before = AggregateBridge.liveStates();
    try (Connection c = TestDb.open()) {
      exec(
          c,
          "CREATE TABLE t AS SELECT i, i % 10000 AS g, [i % 13, i % 7 + 1, (i * 31) % 17]::FLOAT[3]"
              + " AS x, [i % 5, (i * 7) % 11]::FLOAT[] AS y FROM range(60000) r(i)");
      long t0 = System.nanoTime();
      try (Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT g, cka(x, y), cka_debiased(x, y), cka_rbf(x, y, 1.0) FROM t GROUP BY"
                      + " g")) {
        int groups = 0;
        while (rs.next()) {
          groups++;
          double v = rs.getDouble(2);
          assertTrue(rs.wasNull() || (v >= 0 && v <= 1), "cka in [0, 1]: " + v);
        }
        assertEquals(10_000, groups);
      }
      System.out.println("10k groups: " + (System.nanoTime() - t0) / 1e6 + " ms");
      assertEquals(before, AggregateBridge.liveStates(), "states alive after the query");
      // A query that fails half-way frees its states too.
      assertThrows(
          SQLException.class,
          () ->
              scalar(
                  c,
                  "SELECT sum(v) FROM (SELECT g, cka(x, CASE WHEN i = 59999 THEN [1]::FLOAT[] ELSE"
                      + " y END) AS v FROM t GROUP BY g)"));
      assertEquals(before, AggregateBridge.liveStates(), "states alive after a failed query");
    }
  }

  @Test
  void anErrorInsideAnUpcallLeavesJvmAndConnectionUsable() throws SQLException {
    try (Connection c = TestDb.open()) {
      for (int attempt = 0; attempt < 3; attempt++) {
        SQLException e =
            assertThrows(
                SQLException.class,
                () ->
                    scalar(
                        c,
                        "SELECT cka([1, 'nan'::FLOAT]::FLOAT[], [1, 2]::FLOAT[]) FROM range(3)"));
        assertTrue(e.getMessage().contains("cka: x contains NaN"), e.getMessage());
      }
      assertEquals(42.0, scalar(c, "SELECT 42"));
    }
  }

  @Test
  void registeringTwiceOrFromASecondConnectionIsHarmless() throws SQLException {
    try (Connection c = TestDb.open()) {
      assertDoesNotThrow(() -> ActdbFunctions.register(c));
      try (Connection second = ((DuckDBConnection) c.unwrap(DuckDBConnection.class)).duplicate()) {
        assertDoesNotThrow(() -> ActdbFunctions.register(second));
        assertEquals(
            1.0,
            scalar(
                second,
                "SELECT cka(x, x) FROM (VALUES ([1, 2]::FLOAT[2]), ([2, 5]), ([0, 1])) t(x)"),
            1e-12);
      }
      assertEquals(
          1L,
          scalar(
                  c,
                  "SELECT count(DISTINCT function_name) FROM duckdb_functions() WHERE function_name"
                      + " = 'cka'")
              .longValue());
    }
  }

  @Test
  void versionGuardRefusesAnyOtherDriverVersion() {
    assertDoesNotThrow(() -> DuckDBConnections.checkDriverVersion("2.0.0.1"));
    for (String other : new String[] {"2.0.0.0", "1.4.2.0", "2.0.1.0", "unknown"}) {
      SQLException e =
          assertThrows(SQLException.class, () -> DuckDBConnections.checkDriverVersion(other));
      assertTrue(
          e.getMessage().contains("2.0.0.1") && e.getMessage().contains(other), e.getMessage());
    }
    assertEquals(
        DuckDBConnections.PINNED_DRIVER_VERSION,
        DuckDBConnections.driverVersion(),
        "the driver on the class path is the pinned one");
  }

  @Test
  void refusesConnectionsThatAreNotDuckDB() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      c.close();
      assertThrows(SQLException.class, () -> ActdbFunctions.register(c));
    }
  }
}
