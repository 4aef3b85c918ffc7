package io.actdb.bench;

import io.actdb.sql.ActdbFunctions;
import io.actdb.sql.tables.ArrowFileScan;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Throughput of {@code read_arrow_file} on an activation-shaped file ({@code id BIGINT, vec
 * FLOAT[dim]}): writes the file (unless it exists), then times {@code SELECT count(*), sum(vec[1])}
 * at each thread count, the file warm in the page cache after a first pass. The answer is checked
 * against the values written; a wrong one throws {@link AssertionError}.
 *
 * <p>Run it as {@code java --enable-native-access=ALL-UNNAMED
 * --add-opens=java.base/java.nio=ALL-UNNAMED -cp
 * "benchmarks/target/actdb-benchmarks.jar:benchmarks/target/lib/*"
 * io.actdb.bench.ArrowScanBenchmark rows=100000 dim=2048 batch=4096 threads=1,2 repeats=5
 * file=bench.arrow}. It prints {@code name=value} lines; {@code gb_per_s} counts the file's vector
 * bytes (rows × dim × 4) per wall-clock second.
 */
public final class ArrowScanBenchmark {
  private ArrowScanBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq < 0) throw new IllegalArgumentException("expected name=value, got " + a);
      opts.put(a.substring(0, eq), a.substring(eq + 1));
    }
    int rows = Integer.parseInt(opts.getOrDefault("rows", "100000"));
    int dim = Integer.parseInt(opts.getOrDefault("dim", "2048"));
    int batch = Integer.parseInt(opts.getOrDefault("batch", "4096"));
    int repeats = Integer.parseInt(opts.getOrDefault("repeats", "5"));
    List<Integer> threadCounts =
        Arrays.stream(opts.getOrDefault("threads", "1,2").split(","))
            .map(Integer::parseInt)
            .toList();
    String defaultFile = System.getProperty("java.io.tmpdir") + "/actdb-scan-bench.arrow";
    Path file = Path.of(opts.getOrDefault("file", defaultFile));
    if (!Files.exists(file)) write(file, rows, dim, batch);

    double expected = 0;
    for (int i = 0; i < rows; i++) expected += value(i, 0);
    long bytes = (long) rows * dim * 4;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      ActdbFunctions.register(c);
      String sql = "SELECT count(*), sum(vec[1]) FROM read_arrow_file('" + file + "')";
      check(c, sql, rows, expected); // warm the page cache
      for (int threads : threadCounts) {
        try (Statement st = c.createStatement()) {
          st.execute("SET threads = " + threads);
        }
        double best = Double.MAX_VALUE;
        for (int r = 0; r < repeats; r++) {
          long t0 = System.nanoTime();
          check(c, sql, rows, expected);
          best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf(
            Locale.ROOT,
            "threads=%d rows=%d dim=%d batch=%d best_seconds=%.3f gb_per_s=%.2f check=ok%n",
            threads,
            rows,
            dim,
            batch,
            best,
            bytes / best / 1e9);
      }
    }
    if (ArrowFileScan.openResources() != 0 || ArrowFileScan.allocatedBytes() != 0) {
      throw new AssertionError("scan resources left open");
    }
  }

  /** Element k of row i: multiples of 1/8 below 125, so float values and their sums are exact. */
  private static float value(long i, int k) {
    return ((i * 31 + k) % 1000) / 8f;
  }

  private static void check(Connection c, String sql, long rows, double expectedSum)
      throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      if (rs.getLong(1) != rows || rs.getDouble(2) != expectedSum) {
        throw new AssertionError(
            "wrong answer: "
                + rs.getLong(1)
                + ", "
                + rs.getDouble(2)
                + " expected "
                + rows
                + ", "
                + expectedSum);
      }
    }
  }

  private static void write(Path file, int rows, int dim, int batch) throws IOException {
    FieldType float32 =
        FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
    Schema schema =
        new Schema(
            List.of(
                Field.notNullable("id", new ArrowType.Int(64, true)),
                new Field(
                    "vec",
                    FieldType.notNullable(new ArrowType.FixedSizeList(dim)),
                    List.of(new Field("item", float32, null)))));
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    try (RootAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        FileChannel channel =
            FileChannel.open(
                partial,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
      writer.start();
      BigIntVector ids = (BigIntVector) root.getVector("id");
      FixedSizeListVector vec = (FixedSizeListVector) root.getVector("vec");
      Float4Vector items = (Float4Vector) vec.getDataVector();
      for (int start = 0; start < rows; start += batch) {
        int n = Math.min(batch, rows - start);
        root.clear();
        ids.allocateNew(n);
        vec.setInitialCapacity(n);
        vec.allocateNew();
        for (int r = 0; r < n; r++) {
          long i = start + r;
          ids.set(r, i);
          for (int k = 0; k < dim; k++) items.setSafe(r * dim + k, value(i, k));
          vec.setNotNull(r);
        }
        root.setRowCount(n);
        writer.writeBatch();
      }
      writer.end();
    }
    Files.move(partial, file);
  }
}
