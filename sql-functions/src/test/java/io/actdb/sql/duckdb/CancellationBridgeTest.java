package io.actdb.sql.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.actdb.sql.ActdbFunctions;
import io.actdb.sql.TestDb;
import io.actdb.sql.spi.BoundScan;
import io.actdb.sql.spi.Cancellation;
import io.actdb.sql.spi.ScanTask;
import io.actdb.sql.spi.SqlColumn;
import io.actdb.sql.spi.SqlType;
import io.actdb.sql.spi.TableFunction;
import io.actdb.sql.spi.TableScanner;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;

/**
 * Cancellation through the bridge: table scans and aggregates see a cancel of their database's
 * token, on wrapped connections and through {@link ActdbFunctions#cancel(Statement)} on plain ones,
 * and a database's token goes away with it.
 */
class CancellationBridgeTest {
  private static final long BOUND_MILLIS = 2_000;

  /** {@code test_until_cancelled()}: a scan whose first chunk waits for a cancel (at most 60 s). */
  static final class UntilCancelled implements TableFunction {
    @Override
    public String name() {
      return "test_until_cancelled";
    }

    @Override
    public List<SqlType> parameters() {
      return List.of();
    }

    @Override
    public BoundScan bind(List<Object> arguments) {
      return new BoundScan() {
        @Override
        public List<SqlColumn> columns() {
          return List.of(new SqlColumn("i", SqlType.BIGINT));
        }

        @Override
        public ScanTask start(int[] projection) {
          return new ScanTask() {
            @Override
            public int maxThreads() {
              return 1;
            }

            @Override
            public TableScanner newScanner() {
              return out -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                // DuckDB's own interrupt cannot stop a running callback: only the checkpoint can.
                while (System.nanoTime() < deadline) {
                  Cancellation.checkpoint();
                  Thread.onSpinWait();
                }
                return 0;
              };
            }
          };
        }
      };
    }
  }

  @Test
  void aWrappedStatementsCancelStopsATableScan() throws Exception {
    try (Connection c = ActdbFunctions.cancellable(TestDb.open())) {
      DuckDBConnections.registerTableFunction(c, new TableFunctionBridge(new UntilCancelled()));
      Statement st = c.createStatement();
      SQLException error = cancelled("SELECT count(*) FROM test_until_cancelled()", st, st::cancel);
      // The scanner spins for 60 s unless its checkpoint throws, so stopping within the bound
      // proves the checkpoint saw the cancel; which error wins the race is DuckDB's choice.
      assertTrue(
          error.getMessage().contains("test_until_cancelled: query cancelled")
              || error.getMessage().contains("Interrupted"),
          error.getMessage());
      assertAnswers(c);
    }
  }

  @Test
  void actdbCancelStopsAnAggregateOnAPlainConnection() throws Exception {
    try (Connection c = TestDb.open()) {
      TestDb.exec(c, "SELECT setseed(0.25)");
      TestDb.exec(
          c,
          "CREATE TABLE pairs AS SELECT"
              + " list_transform(range(64), lambda k: random()::FLOAT)::FLOAT[64] AS x,"
              + " list_transform(range(64), lambda k: random()::FLOAT)::FLOAT[64] AS y"
              + " FROM range(40000)");
      Statement st = c.createStatement();
      // 96 s when left alone (busy 2-core machine); 10 000 rows (3 s) could end before the cancel.
      SQLException error =
          cancelled("SELECT cka_rbf(x, y, 0.5) FROM pairs", st, () -> ActdbFunctions.cancel(st));
      String message = error.getMessage().toLowerCase(Locale.ROOT);
      assertTrue(message.contains("cancel") || message.contains("interrupt"), error.getMessage());
      assertAnswers(c);
    }
  }

  @Test
  void actdbCancelStopsCkaInItsGramForm() throws Exception {
    try (Connection c = TestDb.open()) {
      TestDb.exec(c, "SELECT setseed(0.5)");
      // 2 000 rows of 8 192 + 8 192 floats: rows kept, then K and L from 16 384 columns (seconds
      // of kernel work, polled between blocks and between the kernel's tasks).
      TestDb.exec(
          c,
          "CREATE TABLE wide AS SELECT"
              + " list_transform(range(8192), lambda k: random()::FLOAT)::FLOAT[8192] AS x,"
              + " list_transform(range(8192), lambda k: random()::FLOAT)::FLOAT[8192] AS y"
              + " FROM range(2000)");
      Statement st = c.createStatement();
      SQLException error =
          cancelled("SELECT cka(x, y) FROM wide", st, () -> ActdbFunctions.cancel(st));
      String message = error.getMessage().toLowerCase(Locale.ROOT);
      assertTrue(message.contains("cancel") || message.contains("interrupt"), error.getMessage());
      assertAnswers(c);
    }
  }

  @Test
  void aDatabasesTokenGoesWithIt() throws Exception {
    int before = DuckDBConnections.liveDatabases();
    Connection c = TestDb.open();
    try (Connection second = c.unwrap(DuckDBConnection.class).duplicate()) {
      ActdbFunctions.register(second); // the same database: no second token
      assertEquals(before + 1, DuckDBConnections.liveDatabases());
    }
    c.close();
    assertEquals(before, DuckDBConnections.liveDatabases());
  }

  @Test
  void aWrappedConnectionStillUnwrapsToDuckDB() throws Exception {
    try (Connection c = ActdbFunctions.cancellable(TestDb.open())) {
      assertTrue(c.isWrapperFor(DuckDBConnection.class));
      assertInstanceOf(DuckDBConnection.class, c.unwrap(DuckDBConnection.class));
      assertTrue(ActdbFunctions.cancellable(c) == c);
      try (Statement st = c.createStatement()) {
        assertTrue(st.getConnection() == c);
      }
    }
  }

  private interface Cancel {
    void run() throws SQLException;
  }

  /** Runs {@code sql} on a thread, cancels it 1 s in, and returns its error (within the bound). */
  private static SQLException cancelled(String sql, Statement statement, Cancel cancel)
      throws Exception {
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
    Thread.sleep(1_000);
    assertTrue(!query.isDone(), sql + " ended before the cancel: " + query.getNow(null));
    long start = System.nanoTime();
    cancel.run();
    Object outcome;
    try {
      outcome = query.get(BOUND_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      query.get(120, TimeUnit.SECONDS);
      fail(sql + " did not stop within " + BOUND_MILLIS + " ms of the cancel");
      return null;
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(millis <= BOUND_MILLIS, sql + " stopped " + millis + " ms after the cancel");
    statement.close();
    return assertInstanceOf(SQLException.class, outcome, sql + " returned a value");
  }

  private static void assertAnswers(Connection c) throws SQLException {
    assertEquals(42.0, TestDb.scalar(c, "SELECT 42"));
  }
}
