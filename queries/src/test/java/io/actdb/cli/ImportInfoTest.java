package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.storage.Sample;
import io.actdb.storage.Store;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code actdb import} and {@code actdb info}, run in-process as a user would. */
class ImportInfoTest {
  @TempDir Path dir;
  private Path store;
  private BufferAllocator allocator;

  @BeforeEach
  void setUp() {
    store = dir.resolve("store");
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  private void duckdb(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private float[][] readLayer(String model, String layer, long[] idsOut) throws IOException {
    return StoredLayers.read(store, allocator, model, layer, idsOut);
  }

  @Test
  void parquetWithFixedSizeVectorsAndMetadata() throws Exception {
    Path file = dir.resolve("acts.parquet");
    duckdb(
        "COPY (SELECT (i * 7)::BIGINT AS sample_id, [i::FLOAT, -i::FLOAT / 4, 1.5]::FLOAT[3] AS"
            + " vec, CASE WHEN i % 2 = 0 THEN 'train' ELSE 'test' END AS split, (i % 10)::INTEGER"
            + " AS label, 'class ' || (i % 10) AS label_name FROM range(3000) t(i)) TO '"
            + file
            + "'");
    Cli.Result r =
        Cli.run(
            "import",
            "--store",
            store.toString(),
            "--model",
            "net",
            "--layer",
            "fc",
            file.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("imported net/fc: 3000 rows of dim 3"), r.out());
    long[] ids = new long[3000];
    float[][] rows = readLayer("net", "fc", ids);
    for (int i = 0; i < 3000; i++) {
      assertEquals(i * 7L, ids[i]);
      assertEquals(i, rows[i][0]);
      assertEquals(-i / 4f, rows[i][1], 0f); // DuckDB gives -0.0 for -0 / 4
      assertEquals(1.5f, rows[i][2]);
    }
    List<Sample> samples = Store.open(store).samples(allocator);
    assertEquals(3000, samples.size());
    assertEquals(new Sample(21, "test", 3, "class 3", "acts.parquet"), samples.get(3));

    // ... and queried through `actdb sql --store`: the sums are those of the generating formula
    Cli.Result sql =
        Cli.run(
            "sql",
            "--store",
            store.toString(),
            "--format",
            "csv",
            "-c",
            "SELECT l.model, l.layer, typeof(vec) AS t, count(*) AS n, sum(vec[1]) AS s1,"
                + " sum(vec[3]) AS s3 FROM layer('net', 'fc') JOIN samples USING (sample_id) JOIN"
                + " layers l ON true WHERE split = 'train' GROUP BY ALL");
    assertEquals(0, sql.status(), sql.err());
    // train rows are the even i: sum of i over even i < 3000 = 2 * (0 + ... + 1499)
    assertEquals("model,layer,t,n,s1,s3\nnet,fc,FLOAT[3],1500,2248500.0,2250.0\n", sql.out());
  }

  @Test
  void parquetWithVariableDoubleListsAndOtherColumnNames() throws Exception {
    Path file = dir.resolve("other.parquet");
    duckdb(
        "COPY (SELECT i AS id, [i::DOUBLE / 3, 2.0] AS emb FROM range(10) t(i)) TO '" + file + "'");
    Cli.Result r =
        Cli.run(
            "import",
            "--store",
            store.toString(),
            "--model",
            "m",
            "--layer",
            "l",
            "--sample-id",
            "id",
            "--vector",
            "emb",
            file.toString());
    assertEquals(0, r.status(), r.err());
    long[] ids = new long[10];
    float[][] rows = readLayer("m", "l", ids);
    assertEquals(9, ids[9]);
    assertEquals((float) (9.0 / 3), rows[9][0]);
    assertEquals(
        new Sample(9, null, null, null, "other.parquet"),
        Store.open(store).samples(allocator).get(9));
  }

  private Path arrowFile(String name, boolean stream) throws IOException {
    Path file = dir.resolve(name);
    Field element =
        new Field(
            "item",
            FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
            null);
    Schema schema =
        new Schema(
            List.of(
                new Field("sample_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
                new Field(
                    "vec", FieldType.nullable(new ArrowType.FixedSizeList(4)), List.of(element))));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        FileChannel ch =
            FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        ArrowWriter w =
            stream ? new ArrowStreamWriter(root, null, ch) : new ArrowFileWriter(root, null, ch)) {
      w.start();
      BigIntVector ids = (BigIntVector) root.getVector(0);
      FixedSizeListVector vec = (FixedSizeListVector) root.getVector(1);
      Float4Vector values = (Float4Vector) vec.getDataVector();
      for (int batch = 0; batch < 3; batch++) {
        root.allocateNew();
        for (int i = 0; i < 100; i++) {
          int id = batch * 100 + i;
          ids.setSafe(i, id);
          vec.setNotNull(i);
          for (int j = 0; j < 4; j++) values.setSafe(i * 4 + j, id + j * 0.5f);
        }
        values.setValueCount(400);
        root.setRowCount(100);
        w.writeBatch();
      }
      w.end();
    }
    return file;
  }

  @Test
  void arrowFilesAndStreams() throws Exception {
    for (boolean stream : new boolean[] {false, true}) {
      Path file = arrowFile(stream ? "a.arrows" : "a.arrow", stream);
      String layer = stream ? "from_stream" : "from_file";
      Cli.Result r =
          Cli.run(
              "import",
              "--store",
              store.toString(),
              "--model",
              "m",
              "--layer",
              layer,
              file.toString());
      assertEquals(0, r.status(), r.err());
      long[] ids = new long[300];
      float[][] rows = readLayer("m", layer, ids);
      for (int i = 0; i < 300; i++) {
        assertEquals(i, ids[i]);
        assertEquals(i + 1.5f, rows[i][3]);
      }
    }
    Cli.Result info = Cli.run("info", store.toString());
    assertEquals(0, info.status(), info.err());
    assertTrue(info.out().contains("samples  300"), info.out());
    assertTrue(info.out().matches("(?s).*m\\s+from_file\\s+4\\s+300\\s+imported.*"), info.out());
    assertTrue(info.out().matches("(?s).*m\\s+from_stream\\s+4\\s+300\\s+imported.*"), info.out());
  }

  @Test
  void badInputIsNamedAndLeavesTheStoreAsItWas() throws Exception {
    Path good = dir.resolve("good.parquet");
    duckdb(
        "COPY (SELECT i AS sample_id, [i::FLOAT, 1] AS vec FROM range(5) t(i)) TO '" + good + "'");
    assertEquals(
        0,
        Cli.run(
                "import",
                "--store",
                store.toString(),
                "--model",
                "m",
                "--layer",
                "l",
                good.toString())
            .status());
    byte[] manifest = Files.readAllBytes(store.resolve("manifest.json"));

    String[][] cases = {
      {
        "SELECT i AS sample_id, CASE WHEN i = 3 THEN [1.0, 2, 3] ELSE [i::FLOAT, 1] END AS vec FROM"
            + " range(5) t(i)",
        "row 4 (sample_id 3): 3 floats, but the first row has 2"
      },
      {
        "SELECT i AS sample_id, CASE WHEN i = 2 THEN NULL ELSE [i::FLOAT, 1] END AS vec FROM"
            + " range(5) t(i)",
        "row 3 (sample_id 2): vec is NULL"
      },
      {
        "SELECT i % 3 AS sample_id, [i::FLOAT, 1] AS vec FROM range(5) t(i)",
        "sample_id 0 appears more than once"
      },
      {
        "SELECT i AS id, [i::FLOAT, 1] AS vec FROM range(5) t(i)",
        "no column sample_id (columns: id, vec)"
      },
      {"SELECT i AS sample_id, 'x' AS vec FROM range(5) t(i)", "not a list of float32 or float64"},
    };
    for (String[] c : cases) {
      Path file = dir.resolve("bad.parquet");
      duckdb("COPY (" + c[0] + ") TO '" + file + "'");
      // replacing the good layer with a bad file: refused, the good one kept
      Cli.Result r =
          Cli.run(
              "import",
              "--store",
              store.toString(),
              "--model",
              "m",
              "--layer",
              "l",
              "--replace",
              file.toString());
      assertEquals(1, r.status(), c[1]);
      assertTrue(r.err().contains(file.toString()) && r.err().contains(c[1]), r.err());
      assertEquals(new String(manifest), Files.readString(store.resolve("manifest.json")));
    }
    Path notData = Files.writeString(dir.resolve("notes.txt"), "hello");
    Cli.Result r =
        Cli.run(
            "import",
            "--store",
            store.toString(),
            "--model",
            "m",
            "--layer",
            "x",
            notData.toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains("not a readable Parquet or Arrow IPC file"), r.err());
    r =
        Cli.run(
            "import",
            "--store",
            store.toString(),
            "--model",
            "m",
            "--layer",
            "x",
            dir.resolve("nope.parquet").toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains("no such file"), r.err());
    try (var files = Files.walk(store)) {
      assertEquals(List.of(), files.filter(p -> p.toString().endsWith(".tmp")).toList());
    }
  }

  @Test
  void anExistingLayerIsReplacedOnlyWithReplace() throws Exception {
    Path first = dir.resolve("first.parquet");
    Path second = dir.resolve("second.parquet");
    duckdb(
        "COPY (SELECT i AS sample_id, [i::FLOAT, 1] AS vec FROM range(5) t(i)) TO '" + first + "'");
    duckdb(
        "COPY (SELECT i AS sample_id, [i::FLOAT, 2, 3] AS vec FROM range(4) t(i)) TO '"
            + second
            + "'");
    String[] base = {"import", "--store", store.toString(), "--model", "m", "--layer", "l"};
    assertEquals(0, Cli.run(with(base, first.toString())).status());
    byte[] manifest = Files.readAllBytes(store.resolve("manifest.json"));

    Cli.Result refused = Cli.run(with(base, second.toString()));
    assertEquals(1, refused.status());
    assertTrue(
        refused.err().contains("already has layer m/l; use --replace to overwrite it"),
        refused.err());
    assertEquals(new String(manifest), Files.readString(store.resolve("manifest.json")));

    assertEquals(0, Cli.run(with(base, "--replace", second.toString())).status());
    Cli.Result info = Cli.run("info", "--store", store.toString());
    assertEquals(0, info.status(), info.err());
    assertTrue(
        info.out().lines().anyMatch(l -> l.matches("\\s*m\\s+l\\s+3\\s+4\\s.*")), info.out());
  }

  @Test
  void infoTakesTheStoreAsAnOptionOrAnArgument() throws Exception {
    Path file = dir.resolve("one.parquet");
    duckdb("COPY (SELECT i AS sample_id, [i::FLOAT] AS vec FROM range(3) t(i)) TO '" + file + "'");
    String[] args = {"import", "--store", store.toString(), "--model", "m", "--layer", "l"};
    assertEquals(0, Cli.run(with(args, file.toString())).status());
    Cli.Result byOption = Cli.run("info", "--store", store.toString());
    Cli.Result byArgument = Cli.run("info", store.toString());
    assertEquals(0, byOption.status(), byOption.err());
    assertEquals(byOption.out(), byArgument.out());
    Cli.Result none = Cli.run("info");
    assertEquals(1, none.status());
    assertTrue(none.err().contains("use --store <dir>"), none.err());
    Cli.Result two = Cli.run("info", "--store", store.toString(), dir.toString());
    assertEquals(1, two.status());
    assertTrue(two.err().contains("two stores given"), two.err());
  }

  private static String[] with(String[] args, String... more) {
    String[] all = Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  @Test
  void infoNamesADamagedFileAndStillListsTheStore() throws Exception {
    Path file = dir.resolve("a.parquet");
    duckdb(
        "COPY (SELECT i AS sample_id, [i::FLOAT, 1] AS vec FROM range(5000) t(i)) TO '"
            + file
            + "'");
    assertEquals(
        0,
        Cli.run(
                "import",
                "--store",
                store.toString(),
                "--model",
                "m",
                "--layer",
                "ok",
                file.toString())
            .status());
    assertEquals(
        0,
        Cli.run(
                "import",
                "--store",
                store.toString(),
                "--model",
                "m",
                "--layer",
                "cut",
                file.toString())
            .status());
    Store s = Store.open(store);
    Path cut = s.fileOf(s.manifest().layer("m", "cut").orElseThrow());
    try (FileChannel ch = FileChannel.open(cut, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() / 2);
    }
    Cli.Result r = Cli.run("info", store.toString());
    assertEquals(1, r.status());
    assertTrue(r.out().matches("(?s).*m\\s+ok\\s+2\\s+5000.*"), r.out());
    assertTrue(r.err().contains(cut.toString()) && r.err().contains("truncated"), r.err());
    Cli.Result missing = Cli.run("info", dir.resolve("nothing").toString());
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("no such store directory"), missing.err());
  }
}
