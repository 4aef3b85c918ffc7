package io.actdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver in-process: service loading, URLs, the store's views and functions. */
class ActdbDriverTest {
  @TempDir Path dir;

  private static double value(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      assertTrue(rs.next());
      return rs.getDouble(1);
    }
  }

  @Test
  void foundByServiceLoading() {
    boolean found = false;
    for (Driver d : ServiceLoader.load(Driver.class)) found |= d instanceof ActdbDriver;
    assertTrue(found, "META-INF/services/java.sql.Driver does not list ActdbDriver");
  }

  @Test
  void connectsToAStoreWithViewsAndFunctions() throws Exception {
    float[][][] data = TestStores.write(dir);
    try (Connection c = DriverManager.getConnection("jdbc:actdb:" + dir)) {
      assertEquals(3, value(c, "SELECT count(*) FROM layers"));
      assertEquals(TestStores.ROWS, value(c, "SELECT count(*) FROM samples"));
      assertEquals(
          1.0,
          value(
              c,
              "SELECT cka(a.vec, b.vec) FROM layer('net', 'a') a JOIN layer('net', 'b') b USING"
                  + " (sample_id)"),
          1e-9);
      assertEquals(
          TestStores.linearCka(data[0], data[1]),
          value(
              c,
              "SELECT cka(a.vec, c.vec) FROM activations a JOIN activations c USING (sample_id)"
                  + " WHERE a.layer = 'a' AND c.layer = 'c'"),
          1e-9);
    }
  }

  @Test
  void metadataNamesActdbAndItsUrlAndListsTheStoreViews() throws Exception {
    TestStores.write(dir);
    try (Connection c = DriverManager.getConnection("jdbc:actdb:" + dir)) {
      DatabaseMetaData m = c.getMetaData();
      assertEquals("actdb", m.getDatabaseProductName());
      assertEquals("actdb", m.getDriverName());
      assertEquals("jdbc:actdb:" + dir, m.getURL());
      assertTrue(m.getDatabaseProductVersion().contains("DuckDB v"), m.getDatabaseProductVersion());
      assertSame(c, m.getConnection());
      // the rest is DuckDB's: the store's views are there for a client's navigator
      List<String> views = new ArrayList<>();
      // in the connection's own catalog, where sqlline's !tables looks
      try (ResultSet rs = m.getTables(c.getCatalog(), null, "%", new String[] {"VIEW"})) {
        while (rs.next()) views.add(rs.getString("TABLE_NAME"));
      }
      assertTrue(views.containsAll(List.of("samples", "layers", "activations")), views.toString());
    }
    try (Connection c = DriverManager.getConnection("jdbc:actdb:")) {
      assertEquals("jdbc:actdb:", c.getMetaData().getURL());
    }
  }

  @Test
  void urlsAndErrors() throws Exception {
    Driver driver = DriverManager.getDriver("jdbc:actdb:");
    assertInstanceOf(ActdbDriver.class, driver);
    assertFalse(driver.acceptsURL("jdbc:duckdb:"));
    assertEquals(null, driver.connect("jdbc:duckdb:", new Properties()));
    try (Connection c = DriverManager.getConnection("jdbc:actdb:")) {
      // no store: functions only
      assertEquals(
          1.0,
          value(
              c,
              "SELECT cka([i, i * i]::FLOAT[2], [2 * i, 2 * i * i]::FLOAT[2]) FROM range(5) t(i)"),
          1e-9);
    }
    SQLException e =
        assertThrows(
            SQLException.class,
            () -> DriverManager.getConnection("jdbc:actdb:" + dir.resolve("none")));
    assertTrue(e.getMessage().contains("no such store directory"), e.getMessage());
  }
}
