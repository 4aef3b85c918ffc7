package io.actdb.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.storage.LayerReader;
import io.actdb.storage.Sample;
import io.actdb.storage.Store;
import io.actdb.storage.StoreException;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ActivationImport} without the CLI, as a JDBC front end would call it: an Arrow IPC file
 * with columns it does not import, float64 variable lists and metadata; a Parquet file; and bad
 * input named with the file, publishing nothing. (The {@code import} command's own tests are the
 * CLI's {@code ImportInfoTest}.)
 */
class ActivationImportTest {
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
    assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory still allocated");
    allocator.close();
  }

  /**
   * 2 batches of 5 rows: id 10 + r, vec [r, r / 2] as float64, split "s" + r % 2, and a string
   * column "junk" the import must not need.
   */
  private Path arrowFile() throws IOException {
    Path file = dir.resolve("acts.arrow");
    Field element =
        new Field(
            "item",
            FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
            null);
    Schema schema =
        new Schema(
            List.of(
                new Field("junk", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
                new Field("split", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field("emb", FieldType.nullable(ArrowType.List.INSTANCE), List.of(element))));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        FileChannel ch =
            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
      w.start();
      for (int batch = 0; batch < 2; batch++) {
        root.allocateNew();
        VarCharVector junk = (VarCharVector) root.getVector("junk");
        BigIntVector ids = (BigIntVector) root.getVector("id");
        VarCharVector split = (VarCharVector) root.getVector("split");
        ListVector emb = (ListVector) root.getVector("emb");
        Float8Vector values = (Float8Vector) emb.getDataVector();
        for (int i = 0; i < 5; i++) {
          int r = batch * 5 + i;
          junk.setSafe(i, ("x" + r).getBytes(StandardCharsets.UTF_8));
          ids.setSafe(i, 10 + r);
          split.setSafe(i, ("s" + r % 2).getBytes(StandardCharsets.UTF_8));
          emb.startNewValue(i);
          values.setSafe(2 * i, r);
          values.setSafe(2 * i + 1, r / 2.0);
          emb.endValue(i, 2);
        }
        values.setValueCount(10);
        root.setRowCount(5);
        w.writeBatch();
      }
      w.end();
    }
    return file;
  }

  @Test
  void anArrowFileBecomesALayerWithItsSamples() throws Exception {
    Path file = arrowFile();
    ActivationImport.Result result;
    try (StoreWriter w = StoreWriter.open(store, allocator)) {
      result = new ActivationImport(file, "id", "emb").into(w, "m", "l", allocator);
    }
    assertEquals(10, result.layer().rows());
    assertEquals(2, result.layer().dim());
    assertEquals(10, result.newSamples());
    Store s = Store.open(store);
    try (LayerReader r = s.openLayer("m", "l", allocator)) {
      int row = 0;
      float[] v = new float[2];
      while (r.nextBatch()) {
        for (int i = 0; i < r.batchRows(); i++, row++) {
          assertEquals(10 + row, r.sampleId(i));
          r.copyVector(i, v, 0);
          assertEquals(row, v[0]);
          assertEquals(row / 2f, v[1]);
        }
      }
      assertEquals(10, row);
    }
    assertEquals(new Sample(13, "s1", null, null, "acts.arrow"), s.samples(allocator).get(3));
  }

  @Test
  void aParquetFileBecomesALayer() throws Exception {
    Path file = dir.resolve("acts.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute(
          "COPY (SELECT i AS sample_id, [i::FLOAT, 2 * i]::FLOAT[2] AS vec, (i % 3)::INTEGER AS"
              + " label FROM range(3000) t(i)) TO '"
              + file
              + "'");
    }
    try (StoreWriter w = StoreWriter.open(store, allocator)) {
      assertEquals(
          3000,
          new ActivationImport(file, "sample_id", "vec")
              .into(w, "m", "p", allocator)
              .layer()
              .rows());
    }
    Store s = Store.open(store);
    try (LayerReader r = s.openLayer("m", "p", allocator)) {
      long sum = 0;
      float[] v = new float[2];
      while (r.nextBatch()) {
        for (int i = 0; i < r.batchRows(); i++) {
          r.copyVector(i, v, 0);
          assertEquals(2 * v[0], v[1]);
          assertEquals(r.sampleId(i), (long) v[0]);
          sum += r.sampleId(i);
        }
      }
      assertEquals(2999L * 3000 / 2, sum);
    }
    assertEquals(new Sample(5, null, 2, null, "acts.parquet"), s.samples(allocator).get(5));
  }

  @Test
  void badInputIsNamedAndPublishesNothing() throws Exception {
    Path file = arrowFile();
    Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
    try (StoreWriter w = StoreWriter.open(store, allocator)) {
      new ActivationImport(file, "id", "emb").into(w, "m", "good", allocator);
      StoreException noColumn =
          assertThrows(
              StoreException.class,
              () -> new ActivationImport(file, "sample_id", "emb").into(w, "m", "l", allocator));
      assertEquals(
          file + ": no column sample_id (columns: junk, id, split, emb); name it with --sample-id",
          noColumn.getMessage());
      StoreException notVectors =
          assertThrows(
              StoreException.class,
              () -> new ActivationImport(file, "id", "split").into(w, "m", "l", allocator));
      assertTrue(
          notVectors.getMessage().startsWith(file + ": column split is ")
              && notVectors.getMessage().endsWith("not a list of float32 or float64"),
          notVectors.getMessage());
      StoreException notData =
          assertThrows(
              StoreException.class,
              () -> new ActivationImport(text, "id", "emb").into(w, "m", "l", allocator));
      assertTrue(
          notData.getMessage().startsWith(text + ": not a readable Parquet or Arrow IPC file"),
          notData.getMessage());
      Path missing = dir.resolve("nope.arrow");
      StoreException none =
          assertThrows(
              StoreException.class,
              () -> new ActivationImport(missing, "id", "emb").into(w, "m", "l", allocator));
      assertEquals(missing + ": no such file", none.getMessage());
    }
    assertEquals(
        List.of("m/good"),
        Store.open(store).layers().stream().map(e -> e.qualifiedName()).toList());
  }
}
