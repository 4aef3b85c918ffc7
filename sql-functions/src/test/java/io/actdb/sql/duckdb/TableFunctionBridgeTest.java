package io.actdb.sql.duckdb;

import static io.actdb.sql.TestDb.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.TestDb;
import io.actdb.sql.spi.BoundScan;
import io.actdb.sql.spi.OutputChunk;
import io.actdb.sql.spi.OutputColumn;
import io.actdb.sql.spi.ScanTask;
import io.actdb.sql.spi.SqlColumn;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import io.actdb.sql.spi.TableFunction;
import io.actdb.sql.spi.TableScanner;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The table function bridge with a generated series: every output kind (fixed width, VARCHAR,
 * ARRAY, LIST, NULLs), projection, parallel partitions, errors at each stage, and state cleanup.
 */
class TableFunctionBridgeTest {

  /**
   * Row i: i BIGINT, s VARCHAR 'row i' (NULL when i % 7 = 3), v FLOAT[3] {i, i+1, i+2} (NULL when i
   * % 5 = 1), l FLOAT[] of i % 4 elements {i, ...}.
   */
  static final class Series implements TableFunction {
    final Set<Long> threads = ConcurrentHashMap.newKeySet();
    final AtomicInteger opened = new AtomicInteger();

    @Override
    public String name() {
      return "test_series";
    }

    @Override
    public List<SqlType> parameters() {
      return List.of(SqlType.BIGINT, SqlType.VARCHAR);
    }

    @Override
    public BoundScan bind(List<Object> arguments) {
      Long n = (Long) arguments.get(0);
      String mode = (String) arguments.get(1);
      if (n == null || n < 0) throw new SqlFunctionException("n must be a non-negative number");
      if ("bind".equals(mode)) throw new SqlFunctionException("bind failure asked for");
      return new BoundScan() {
        @Override
        public List<SqlColumn> columns() {
          return List.of(
              new SqlColumn("i", SqlType.BIGINT),
              new SqlColumn("s", SqlType.VARCHAR),
              new SqlColumn("v", SqlType.floatArray(3)),
              new SqlColumn("l", SqlType.FLOAT_LIST));
        }

        @Override
        public long cardinality() {
          return n;
        }

        @Override
        public ScanTask start(int[] projection) {
          if ("init".equals(mode)) throw new SqlFunctionException("init failure asked for");
          AtomicInteger nextBlock = new AtomicInteger();
          int block = 1000;
          int blocks = (int) ((n + block - 1) / block);
          opened.incrementAndGet();
          return new ScanTask() {
            @Override
            public int maxThreads() {
              return blocks;
            }

            @Override
            public TableScanner newScanner() {
              opened.incrementAndGet();
              return new TableScanner() {
                long next = 0;
                long end = 0;

                @Override
                public int fill(OutputChunk out) {
                  while (next >= end) {
                    int b = nextBlock.getAndIncrement();
                    if (b >= blocks) return 0;
                    threads.add(Thread.currentThread().threadId());
                    next = (long) b * block;
                    end = Math.min(n, next + block);
                  }
                  int rows = (int) Math.min(out.capacity(), end - next);
                  if ("scan".equals(mode) && next + rows > n / 2) {
                    throw new SqlFunctionException("scan failure asked for");
                  }
                  for (int c = 0; c < out.columnCount(); c++)
                    write(out.column(c), projection[c], rows);
                  next += rows;
                  return rows;
                }

                private void write(OutputColumn col, int column, int rows) {
                  switch (column) {
                    case 0 -> {
                      for (int r = 0; r < rows; r++) col.data().putLong(8 * r, next + r);
                    }
                    case 1 -> {
                      for (int r = 0; r < rows; r++) {
                        long i = next + r;
                        if (i % 7 == 3) {
                          col.setNull(r);
                        } else {
                          byte[] b = ("row " + i).getBytes(StandardCharsets.UTF_8);
                          col.setString(r, ByteBuffer.wrap(b), 0, b.length);
                        }
                      }
                    }
                    case 2 -> {
                      ByteBuffer e = col.arrayElements().data();
                      for (int r = 0; r < rows; r++) {
                        long i = next + r;
                        for (int k = 0; k < 3; k++) e.putFloat(4 * (3 * r + k), i + k);
                        if (i % 5 == 1) col.setNull(r);
                      }
                    }
                    case 3 -> {
                      long total = 0;
                      for (int r = 0; r < rows; r++) total += (next + r) % 4;
                      long base = col.appendListElements(total);
                      ByteBuffer e = col.listElements().data();
                      long at = base;
                      for (int r = 0; r < rows; r++) {
                        long i = next + r;
                        int len = (int) (i % 4);
                        col.setListEntry(r, at, len);
                        for (int k = 0; k < len; k++) e.putFloat((int) (4 * (at + k)), i + k);
                        at += len;
                      }
                    }
                    default -> throw new IllegalStateException("column " + column);
                  }
                }

                @Override
                public void close() {
                  opened.decrementAndGet();
                }
              };
            }

            @Override
            public void close() {
              opened.decrementAndGet();
            }
          };
        }
      };
    }
  }

  private final Series series = new Series();

  private Connection open() throws SQLException {
    Connection c = TestDb.open();
    DuckDBConnections.registerTableFunction(c, new TableFunctionBridge(series));
    return c;
  }

  @AfterEach
  void noStateLeft() {
    assertEquals(0, series.opened.get(), "tasks or scanners left open");
    assertEquals(0, TableFunctionBridge.liveStates(), "table function states alive");
  }

  @Test
  void everyColumnKindRoundTrips() throws SQLException {
    long n = 10_001;
    try (Connection c = open()) {
      assertEquals((double) n, scalar(c, "SELECT count(*) FROM test_series(10001, '')"));
      assertEquals(n * (n - 1) / 2.0, scalar(c, "SELECT sum(i) FROM test_series(10001, '')"));
      long nullS = 0, nullV = 0;
      double sumV1 = 0, sumL = 0;
      for (long i = 0; i < n; i++) {
        if (i % 7 == 3) nullS++;
        if (i % 5 == 1) nullV++;
        else sumV1 += i + 1;
        for (int k = 0; k < i % 4; k++) sumL += i + k;
      }
      assertEquals((double) (n - nullS), scalar(c, "SELECT count(s) FROM test_series(10001, '')"));
      assertEquals((double) (n - nullV), scalar(c, "SELECT count(v) FROM test_series(10001, '')"));
      assertEquals(sumV1, scalar(c, "SELECT sum(v[2]) FROM test_series(10001, '')"));
      assertEquals(sumL, scalar(c, "SELECT sum(list_sum(l)) FROM test_series(10001, '')"));
      try (Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT v[3], s, i, array_length(l), typeof(v) FROM test_series(10001, '') WHERE"
                      + " i IN (4097, 31) ORDER BY i DESC")) {
        assertTrue(rs.next());
        assertEquals(4099f, rs.getFloat(1));
        assertEquals("row 4097", rs.getString(2));
        assertEquals(4097, rs.getLong(3));
        assertEquals(1, rs.getLong(4));
        assertEquals("FLOAT[3]", rs.getString(5));
        assertTrue(rs.next());
        assertEquals(null, rs.getObject(1), "v of row 31 is NULL");
        assertEquals(null, rs.getString(2));
        assertEquals(31, rs.getLong(3));
        assertEquals(3, rs.getLong(4));
      }
    }
  }

  @Test
  void errorsAtEachStageNameTheFunctionAndKeepTheConnection() throws SQLException {
    try (Connection c = open()) {
      for (String mode : List.of("bind", "init", "scan")) {
        SQLException e =
            assertThrows(
                SQLException.class,
                () -> scalar(c, "SELECT sum(i) FROM test_series(100000, '" + mode + "')"));
        assertTrue(
            e.getMessage().contains("test_series: " + mode + " failure asked for"), e.getMessage());
      }
      SQLException e =
          assertThrows(
              SQLException.class, () -> scalar(c, "SELECT count(*) FROM test_series(NULL, '')"));
      assertTrue(e.getMessage().contains("test_series: n must be"), e.getMessage());
      assertEquals(5.0, scalar(c, "SELECT count(*) FROM test_series(5, '')"));
    }
  }

  @Test
  void partitionsRunOnSeveralThreads() throws SQLException {
    try (Connection c = open()) {
      TestDb.exec(c, "SET threads = 4");
      long n = 2_000_000;
      assertEquals(n * (n - 1) / 2.0, scalar(c, "SELECT sum(i) FROM test_series(2000000, '')"));
      assertTrue(series.threads.size() > 1, "threads: " + series.threads);
    }
  }
}
