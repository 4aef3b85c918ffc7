package io.actdb.sql.tables;

import static io.actdb.sql.TestDb.exec;
import static io.actdb.sql.TestDb.scalar;
import static io.actdb.sql.tables.ArrowFixture.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.TestDb;
import io.actdb.sql.duckdb.DuckDBConnections;
import io.actdb.sql.duckdb.TableFunctionBridge;
import io.actdb.sql.spi.BoundScan;
import io.actdb.sql.spi.SqlColumn;
import io.actdb.sql.spi.SqlType;
import io.actdb.sql.spi.TableFunction;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code read_arrow_file} and the {@link ArrowFileScan} entry point, through SQL, against values
 * the fixtures wrote (see {@link ArrowFixture}); every test is also a leak check.
 */
class ArrowFileScanTest {
  private static final int[] BATCHES = {1, 2047, 2048, 2049, 5000};
  private static final int DIM = 8;

  @TempDir Path dir;
  private BufferAllocator allocator;

  /**
   * {@code test_layer(path, dim)}: {@code id BIGINT, vec FLOAT[dim]} of a file, through {@link
   * ArrowFileScan#of} as a store's layer function would; keeps the scans it bound.
   */
  static final class TestLayer implements TableFunction {
    final List<ArrowFileScan> bound = new ArrayList<>();

    @Override
    public String name() {
      return "test_layer";
    }

    @Override
    public List<SqlType> parameters() {
      return List.of(SqlType.VARCHAR, SqlType.BIGINT);
    }

    @Override
    public BoundScan bind(List<Object> arguments) {
      Path file = Path.of((String) arguments.get(0));
      int dim = Math.toIntExact((Long) arguments.get(1));
      ArrowFileScan scan =
          ArrowFileScan.of(
              file,
              List.of(
                  new SqlColumn("id", SqlType.BIGINT),
                  new SqlColumn("vec", SqlType.floatArray(dim))),
              "layer test/" + file.getFileName());
      synchronized (bound) {
        bound.add(scan);
      }
      return scan;
    }
  }

  private final TestLayer layer = new TestLayer();

  private Connection open() throws SQLException {
    Connection c = TestDb.open();
    DuckDBConnections.registerTableFunction(c, new TableFunctionBridge(layer));
    return c;
  }

  @BeforeEach
  void allocator() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void nothingLeft() {
    allocator.close();
    assertEquals(0, ArrowFileScan.openResources(), "Arrow readers left open");
    assertEquals(0, ArrowFileScan.allocatedBytes(), "Arrow memory left allocated");
    assertEquals(0, TableFunctionBridge.liveStates(), "table function states alive");
  }

  private static String scan(Path file) {
    return "read_arrow_file('" + file + "')";
  }

  private static List<Object[]> rows(Connection c, String sql) throws SQLException {
    List<Object[]> rows = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        Object[] row = new Object[n];
        for (int i = 0; i < n; i++) row[i] = rs.getObject(i + 1);
        rows.add(row);
      }
    }
    return rows;
  }

  private static double asDouble(Object o) {
    return ((Number) o).doubleValue();
  }

  @Test
  void everyTypeNullsAndBatchEdges() throws Exception {
    Path file = dir.resolve("all.arrow");
    long n = writeAllTypes(file, allocator, DIM, BATCHES);
    assertEquals(11145, n);
    double i32Sum = 0,
        i16Sum = 0,
        i8Sum = 0,
        f32Sum = 0,
        f64Sum = 0,
        vec1 = 0,
        vec8 = 0,
        lstSum = 0;
    long i32Count = 0, f32Count = 0, nameCount = 0, nameChars = 0, flagCount = 0, flagTrue = 0;
    long vecCount = 0, lstCount = 0, lstElements = 0;
    for (long id = 0; id < n; id++) {
      if (!i32Null(id)) {
        i32Count++;
        i32Sum += i32(id);
      }
      i16Sum += i16(id);
      i8Sum += i8(id);
      if (!f32Null(id)) {
        f32Count++;
        f32Sum += f32(id);
      }
      f64Sum += f64(id);
      if (!nameNull(id)) {
        nameCount++;
        nameChars += name(id).length();
      }
      if (!flagNull(id)) {
        flagCount++;
        if (flag(id)) flagTrue++;
      }
      if (!vecNull(id)) {
        vecCount++;
        vec1 += vec(id, 0);
        vec8 += vec(id, DIM - 1);
      }
      if (!lstNull(id)) {
        lstCount++;
        lstElements += lstLength(id);
        for (int k = 0; k < lstLength(id); k++) lstSum += lst(id, k);
      }
    }
    try (Connection c = open()) {
      Object[] got =
          rows(
                  c,
                  "SELECT count(*), sum(id), count(i32), sum(i32), sum(i16), sum(i8), count(f32),"
                      + " sum(f32), sum(f64), count(name), sum(length(name)), count(flag),"
                      + " count(*) FILTER (WHERE flag), count(vec), sum(vec[1]), sum(vec[8]),"
                      + " count(lst), sum(len(lst)), sum(list_sum(lst)) FROM "
                      + scan(file))
              .get(0);
      double[] expected = {
        n,
        n * (n - 1) / 2.0,
        i32Count,
        i32Sum,
        i16Sum,
        i8Sum,
        f32Count,
        f32Sum,
        f64Sum,
        nameCount,
        nameChars,
        flagCount,
        flagTrue,
        vecCount,
        vec1,
        vec8,
        lstCount,
        lstElements,
        lstSum
      };
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], asDouble(got[i]), "aggregate " + i);
      }

      Object[] types =
          rows(
                  c,
                  "SELECT typeof(id), typeof(i32), typeof(i16), typeof(i8), typeof(f32),"
                      + " typeof(f64), typeof(name), typeof(flag), typeof(vec), typeof(lst) FROM "
                      + scan(file)
                      + " LIMIT 1")
              .get(0);
      assertArrayEquals(
          new Object[] {
            "BIGINT",
            "INTEGER",
            "SMALLINT",
            "TINYINT",
            "FLOAT",
            "DOUBLE",
            "VARCHAR",
            "BOOLEAN",
            "FLOAT[8]",
            "FLOAT[]"
          },
          types);
      assertEquals(
          vecCount,
          scalar(c, "SELECT count(*) FROM " + scan(file) + " WHERE array_length(vec) = 8")
              .longValue());

      // Rows on both sides of every batch and chunk edge.
      long[] ids = {0, 1, 2, 3, 4, 2047, 2048, 4095, 4096, 4097, 6143, 6144, 6145, 8192, 11144};
      StringBuilder in = new StringBuilder();
      for (long id : ids) in.append(in.isEmpty() ? "" : ",").append(id);
      List<Object[]> rows =
          rows(
              c,
              "SELECT id, i32, i16, i8, f32, f64, name, flag, vec[1], vec[8], array_length(vec),"
                  + " len(lst), lst[1], lst[3] FROM "
                  + scan(file)
                  + " WHERE id IN ("
                  + in
                  + ") ORDER BY id");
      assertEquals(ids.length, rows.size());
      for (int i = 0; i < ids.length; i++) {
        long id = ids[i];
        Object[] r = rows.get(i);
        String at = "row " + id;
        assertEquals(id, ((Number) r[0]).longValue(), at);
        assertEquals(i32Null(id) ? null : i32(id), r[1], at);
        assertEquals(i16(id), ((Number) r[2]).shortValue(), at);
        assertEquals(i8(id), ((Number) r[3]).byteValue(), at);
        assertEquals(f32Null(id) ? null : f32(id), r[4], at);
        assertEquals(f64(id), r[5], at);
        assertEquals(nameNull(id) ? null : name(id), r[6], at);
        assertEquals(flagNull(id) ? null : flag(id), r[7], at);
        assertEquals(vecNull(id) ? null : vec(id, 0), r[8], at);
        assertEquals(vecNull(id) ? null : vec(id, DIM - 1), r[9], at);
        assertEquals(
            vecNull(id) ? null : (long) DIM,
            r[10] == null ? null : ((Number) r[10]).longValue(),
            at);
        assertEquals(
            lstNull(id) ? null : (long) lstLength(id),
            r[11] == null ? null : ((Number) r[11]).longValue(),
            at);
        assertEquals(lstNull(id) || lstLength(id) < 1 ? null : lst(id, 0), r[12], at);
        assertEquals(lstNull(id) || lstLength(id) < 3 ? null : lst(id, 2), r[13], at);
      }
    }
  }

  @Test
  void projectionOneColumnAndReordered() throws Exception {
    Path file = dir.resolve("all.arrow");
    long n = writeAllTypes(file, allocator, DIM, BATCHES);
    double f64Sum = 0;
    for (long id = 0; id < n; id++) f64Sum += f64(id);
    try (Connection c = open()) {
      assertEquals(f64Sum, scalar(c, "SELECT sum(f64) FROM " + scan(file)));
      long id = 4003; // not NULL in any column, three list elements
      Object[] r =
          rows(c, "SELECT lst, name, vec[2], id, flag FROM " + scan(file) + " WHERE id = " + id)
              .get(0);
      assertEquals(name(id), r[1]);
      assertEquals(vec(id, 1), r[2]);
      assertEquals(id, ((Number) r[3]).longValue());
      assertEquals(flag(id), r[4]);
      assertEquals("[" + lst(id, 0) + ", " + lst(id, 1) + ", " + lst(id, 2) + "]", r[0].toString());
      List<Object[]> described = rows(c, "DESCRIBE SELECT * FROM " + scan(file));
      List<String> names = new ArrayList<>();
      for (Object[] d : described) names.add((String) d[0]);
      assertEquals(
          List.of("id", "i32", "i16", "i8", "f32", "f64", "name", "flag", "vec", "lst"), names);
    }
  }

  @Test
  void scansRepeatAndPreparedStatementsReExecute() throws Exception {
    Path file = dir.resolve("all.arrow");
    long n = writeAllTypes(file, allocator, DIM, BATCHES);
    Path empty = dir.resolve("empty.arrow");
    writeAllTypes(empty, allocator, DIM);
    try (Connection c = open()) {
      for (int i = 0; i < 2; i++) {
        assertEquals(n * (n - 1) / 2.0, scalar(c, "SELECT sum(id) FROM " + scan(file)));
      }
      try (PreparedStatement ps =
          c.prepareStatement("SELECT count(*), max(id) FROM read_arrow_file(?)")) {
        for (int i = 0; i < 3; i++) {
          ps.setString(1, file.toString());
          try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            assertEquals(n, rs.getLong(1));
            assertEquals(n - 1, rs.getLong(2));
          }
        }
      }
      assertEquals(0.0, scalar(c, "SELECT count(*) FROM " + scan(empty)));
      // A query that stops early (LIMIT) closes its readers too.
      exec(c, "SET threads = 4");
      assertEquals(3, rows(c, "SELECT id, vec FROM " + scan(file) + " LIMIT 3").size());
    }
  }

  @Test
  void theJavaEntryPointPicksItsColumnsOutOfAWiderFile() throws Exception {
    // id and vec are the 1st and 9th columns: only their buffers are read, past all the others.
    Path file = dir.resolve("all.arrow");
    long n = writeAllTypes(file, allocator, DIM, BATCHES);
    double vecSum = 0;
    long vecCount = 0;
    for (long id = 0; id < n; id++) {
      if (!vecNull(id)) {
        vecCount++;
        vecSum += vec(id, 3);
      }
    }
    try (Connection c = open()) {
      Object[] got =
          rows(
                  c,
                  "SELECT count(*), sum(id), count(vec), sum(vec[4]) FROM test_layer('"
                      + file
                      + "', 8)")
              .get(0);
      assertEquals(n, ((Number) got[0]).longValue());
      assertEquals(n * (n - 1) / 2.0, asDouble(got[1]));
      assertEquals(vecCount, ((Number) got[2]).longValue());
      assertEquals(vecSum, asDouble(got[3]));
    }
  }

  @Test
  void fourThreadsScanInParallelWithTheSameSums() throws Exception {
    int rows = 48 * 2500;
    int dim = 32;
    long[] ids = new long[rows];
    float[][] vectors = new float[rows][dim];
    double vec1 = 0, vecLast = 0;
    for (int i = 0; i < rows; i++) {
      ids[i] = i;
      for (int k = 0; k < dim; k++) vectors[i][k] = (i % 1000) * 0.25f + k;
      vec1 += vectors[i][0];
      vecLast += vectors[i][dim - 1];
    }
    Path file = dir.resolve("layer.arrow");
    writeVectors(file, allocator, ids, vectors, 2500);
    String sql =
        "SELECT count(*), sum(id), sum(vec[1]), sum(vec[32]) FROM test_layer('" + file + "', 32)";
    try (Connection c = open()) {
      exec(c, "SET threads = 1");
      Object[] one = rows(c, sql).get(0);
      assertEquals(1, layer.bound.getLast().scanThreadCount());
      exec(c, "SET threads = 4");
      Object[] four = rows(c, sql).get(0);
      int threads = layer.bound.getLast().scanThreadCount();
      assertTrue(threads > 1, "threads that read batches: " + threads);
      double[] expected = {rows, rows * (rows - 1.0) / 2, vec1, vecLast};
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], asDouble(one[i]), "threads=1, aggregate " + i);
        assertEquals(expected[i], asDouble(four[i]), "threads=4, aggregate " + i);
      }
      assertEquals(vec1, scalar(c, "SELECT sum(vec[1]) FROM " + scan(file)));
    }
  }

  @Test
  void groupByOverAJoinOfTwoScans() throws Exception {
    Path file = dir.resolve("all.arrow");
    long n = writeAllTypes(file, allocator, DIM, BATCHES);
    long[] count = new long[3];
    double[] f64Sum = new double[3];
    double[] vecSum = new double[3];
    for (long id = 0; id < n; id++) {
      int g = (int) (id % 3);
      count[g]++;
      f64Sum[g] += f64(id);
      if (!vecNull(id)) vecSum[g] += vec(id, 1);
    }
    try (Connection c = open()) {
      exec(c, "SET threads = 4");
      List<Object[]> got =
          rows(
              c,
              "SELECT a.id % 3 AS g, count(*), sum(b.f64), sum(a.vec[2]) FROM "
                  + scan(file)
                  + " a JOIN "
                  + scan(file)
                  + " b ON a.id = b.id GROUP BY g ORDER BY g");
      assertEquals(3, got.size());
      for (int g = 0; g < 3; g++) {
        assertEquals(count[g], ((Number) got.get(g)[1]).longValue());
        assertEquals(f64Sum[g], asDouble(got.get(g)[2]), 1e-9 * f64Sum[g]);
        assertEquals(vecSum[g], asDouble(got.get(g)[3]));
      }
    }
  }

  @Test
  void ckaOverTwoScannedFilesEqualsCkaOverATable() throws Exception {
    Random random = new Random(20260411);
    int n = 3000;
    float[][] x = TestDb.gaussian(random, n, 16);
    float[][] y = TestDb.affine(TestDb.gaussian(random, n, 12), 3, 100);
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) ids[i] = i;
    // The second file lists the same samples in another order, in other batch sizes.
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) order.add(i);
    Collections.shuffle(order, random);
    long[] shuffledIds = new long[n];
    float[][] shuffledY = new float[n][];
    for (int i = 0; i < n; i++) {
      shuffledIds[i] = order.get(i);
      shuffledY[i] = y[order.get(i)];
    }
    Path a = dir.resolve("x.arrow");
    Path b = dir.resolve("y.arrow");
    writeVectors(a, allocator, ids, x, 700);
    writeVectors(b, allocator, shuffledIds, shuffledY, 1024);
    try (Connection c = open()) {
      TestDb.createTable(c, "t", x, y, null, false);
      double table = scalar(c, "SELECT cka(x, y) FROM t");
      double scanned =
          scalar(
              c,
              "SELECT cka(a.vec, b.vec) FROM "
                  + scan(a)
                  + " a JOIN test_layer('"
                  + b
                  + "', 12) b ON a.id = b.id");
      assertEquals(table, scanned, 1e-9);
      assertTrue(table > 0 && table < 1, "cka " + table);
    }
  }

  // ---------------------------------------------------------------- errors

  private static SQLException fails(Connection c, String sql) {
    SQLException e = assertThrows(SQLException.class, () -> scalar(c, sql));
    return e;
  }

  private static void assertMentions(SQLException e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
    }
  }

  @Test
  void missingTruncatedAndGarbageFilesFailNamingTheFile() throws Exception {
    Path missing = dir.resolve("missing.arrow");
    Path good = dir.resolve("good.arrow");
    long n = writeAllTypes(good, allocator, DIM, BATCHES);
    Path truncated = dir.resolve("truncated.arrow");
    Files.copy(good, truncated);
    try (FileChannel ch = FileChannel.open(truncated, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 100);
    }
    Path garbage = dir.resolve("garbage.arrow");
    byte[] bytes = new byte[5000];
    new Random(7).nextBytes(bytes);
    Files.write(garbage, bytes);
    Path unsupported = dir.resolve("unsupported.arrow");
    writeUnsupported(unsupported, allocator);
    try (Connection c = open()) {
      for (int attempt = 0; attempt < 2; attempt++) {
        assertMentions(
            fails(c, "SELECT count(*) FROM " + scan(missing)),
            "read_arrow_file: ",
            missing.toString(),
            "no such file");
        assertMentions(
            fails(c, "SELECT count(*) FROM " + scan(truncated)),
            "read_arrow_file: ",
            truncated.toString(),
            "not an Arrow IPC file, or truncated");
        assertMentions(
            fails(c, "SELECT count(*) FROM " + scan(garbage)),
            "read_arrow_file: ",
            garbage.toString(),
            "not an Arrow IPC file, or truncated");
        assertMentions(
            fails(c, "SELECT count(*) FROM " + scan(unsupported)),
            unsupported.toString(),
            "column count has Arrow type UInt32");
        assertMentions(
            fails(c, "SELECT count(*) FROM read_arrow_file(NULL)"),
            "read_arrow_file: path is NULL");
        assertMentions(
            fails(c, "SELECT count(*) FROM test_layer('" + truncated + "', 8)"),
            "test_layer: layer test/truncated.arrow (" + truncated + ")",
            "truncated");
        assertEquals(42.0, scalar(c, "SELECT 42"));
        assertEquals((double) n, scalar(c, "SELECT count(*) FROM " + scan(good)));
      }
    }
  }

  @Test
  void theJavaEntryPointOpensTheFileOnlyWhenScanning() throws Exception {
    Path file = dir.resolve("d32.arrow");
    float[][] v = new float[10][32];
    writeVectors(file, allocator, new long[10], v, 4);
    Path missing = dir.resolve("missing.arrow");
    try (Connection c = open()) {
      // Binding (DESCRIBE) needs no file; scanning it does.
      List<Object[]> described =
          rows(c, "DESCRIBE SELECT * FROM test_layer('" + missing + "', 64)");
      assertEquals("FLOAT[64]", described.get(1)[1]);
      assertMentions(
          fails(c, "SELECT count(*) FROM test_layer('" + missing + "', 64)"),
          "test_layer: layer test/missing.arrow (" + missing + "): no such file");
      assertMentions(
          fails(c, "SELECT count(*) FROM test_layer('" + file + "', 64)"),
          "test_layer: layer test/d32.arrow (" + file + ")",
          "column vec: expected FLOAT[64], the file has FLOAT[32]");
      assertEquals(10.0, scalar(c, "SELECT count(*) FROM test_layer('" + file + "', 32)"));
    }
  }

  @Test
  void aRecordBatchThatFailsToLoadIsNamed() throws Exception {
    Path file = dir.resolve("damaged.arrow");
    float[][] v = new float[30][4];
    long[] ids = new long[30];
    writeVectors(file, allocator, ids, v, 10);
    long[] block = ArrowFixture.blocks(file, allocator).get(1);
    // Zero the second batch's flatbuffer metadata (after the continuation marker and length).
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate((int) block[1] - 8), block[0] + 8);
    }
    try (Connection c = open()) {
      assertMentions(
          fails(c, "SELECT count(*) FROM test_layer('" + file + "', 4)"),
          "test_layer: layer test/damaged.arrow ("
              + file
              + "): record batch 1 of 3 failed to load");
      assertMentions(
          fails(c, "SELECT count(*) FROM " + scan(file)),
          "read_arrow_file: " + file,
          "record batch 1 of 3");
      assertEquals(42.0, scalar(c, "SELECT 42"));
    }
  }
}
