package io.actdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code Statement.cancel()} through the driver stops actdb's long aggregates within 2 s, and the
 * connection answers the next query. Each query alone runs far longer than the test waits (full
 * runs measured on a busy 2-core machine: cka_rbf over 40 000 rows 96 s, ipr 41 s, prdc 46 s,
 * geomca 75 s), so an end within the bound can only come from the cancel.
 */
class CancellationTest {
  /** The bound from cancel to the query's end. Generous for a noisy 2-core machine. */
  private static final long CANCEL_BOUND_MILLIS = 2_000;

  private static final long CANCEL_AFTER_MILLIS = 1_000;

  /** One connection for all tests: each must leave it usable for the next. */
  private static Connection connection;

  @BeforeAll
  static void open() throws SQLException {
    connection = DriverManager.getConnection("jdbc:actdb:");
    try (Statement st = connection.createStatement()) {
      // setseed makes random() repeatable; the points are 10 000 of R and 10 000 of E.
      st.execute("SELECT setseed(0.5)");
      st.execute(
          "CREATE TABLE points AS SELECT i < 10000 AS ref,"
              + " list_transform(range(4096), lambda k: random()::FLOAT)::FLOAT[4096] AS x"
              + " FROM range(20000) t(i)");
      st.execute(
          "CREATE TABLE pairs AS SELECT"
              + " list_transform(range(64), lambda k: random()::FLOAT)::FLOAT[64] AS x,"
              + " list_transform(range(64), lambda k: random()::FLOAT)::FLOAT[64] AS y"
              + " FROM range(40000)");
    }
  }

  @AfterAll
  static void close() throws SQLException {
    connection.close();
  }

  @Test
  void cancelStopsCkaRbf() throws Exception {
    assertCancelled("SELECT cka_rbf(x, y, 0.5) FROM pairs");
  }

  @Test
  void cancelStopsIpr() throws Exception {
    assertCancelled("SELECT ipr(x, ref) FROM points");
  }

  @Test
  void cancelStopsPrdc() throws Exception {
    assertCancelled("SELECT prdc(x, ref) FROM points");
  }

  @Test
  void cancelStopsGeomca() throws Exception {
    assertCancelled("SELECT geomca(x, ref) FROM points");
  }

  @Test
  void aCancelDoesNotReachTheNextQuery() throws Exception {
    try (Statement idle = connection.createStatement()) {
      idle.cancel(); // nothing running: must not poison what follows
    }
    try (Statement st = connection.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT ipr(x, ref).precision FROM points WHERE hash(x) % 40 = 0")) {
      assertTrue(rs.next());
      double precision = rs.getDouble(1);
      assertTrue(precision > 0 && precision <= 1, "precision " + precision);
    }
  }

  private void assertCancelled(String sql) throws Exception {
    Statement statement = connection.createStatement();
    CompletableFuture<Object> query =
        CompletableFuture.supplyAsync(
            () -> {
              try (ResultSet rs = statement.executeQuery(sql)) {
                rs.next();
                return rs.getObject(1);
              } catch (SQLException e) {
                return e;
              }
            });
    Thread.sleep(CANCEL_AFTER_MILLIS);
    assertTrue(!query.isDone(), "the query ended before the cancel: " + query.getNow(null));
    long cancelledAt = System.nanoTime();
    statement.cancel();
    Object outcome;
    try {
      outcome = query.get(CANCEL_BOUND_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      outcome = null;
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelledAt);
    if (outcome == null) {
      // Let the query end before the connection closes, then fail with the measured time.
      try {
        query.get(120, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException ignored) {
        // the failure below says enough
      }
      fail(sql + " still ran " + millis + " ms after the cancel");
    }
    SQLException error = assertInstanceOf(SQLException.class, outcome, sql + " returned a value");
    assertTrue(millis <= CANCEL_BOUND_MILLIS, sql + " ended " + millis + " ms after the cancel");
    System.out.println(sql + ": ended " + millis + " ms after the cancel");
    String message = error.getMessage().toLowerCase(Locale.ROOT);
    assertTrue(message.contains("cancel") || message.contains("interrupt"), error.getMessage());
    statement.close();
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT 42")) {
      assertTrue(rs.next());
      assertEquals(42, rs.getInt(1));
    }
  }
}
