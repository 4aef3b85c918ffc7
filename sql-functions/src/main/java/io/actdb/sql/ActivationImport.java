package io.actdb.sql;

import io.actdb.storage.BatchReader;
import io.actdb.storage.LayerEntry;
import io.actdb.storage.LayerWriter;
import io.actdb.storage.Sample;
import io.actdb.storage.StoreException;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.BaseListVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBResultSet;

/**
 * Brings activations computed elsewhere (e.g. PyTorch + pyarrow) into a store as one layer: a
 * Parquet file (read by DuckDB, handed over as Arrow batches), an Arrow IPC file (read by the
 * store's {@link BatchReader}, only the columns imported) or an Arrow IPC stream, with an integer
 * sample id column and a float vector column ({@code FLOAT[d]}, {@code FLOAT[]}, fixed-size or
 * variable lists of float32 or float64). Optional columns {@code split}, {@code label} and {@code
 * label_name} become the samples' metadata. The layer is published only when the whole file was
 * read and checked. Here rather than in the CLI so that any front end (the CLI's {@code import}, a
 * JDBC connection) can offer it; it needs DuckDB for Parquet.
 */
public final class ActivationImport {
  private static final List<String> METADATA = List.of("split", "label", "label_name");

  private final Path file;
  private final String idColumn;
  private final String vectorColumn;

  /**
   * An import of {@code file}, whose sample ids are in column {@code idColumn} and vectors in
   * {@code vectorColumn}.
   */
  public ActivationImport(Path file, String idColumn, String vectorColumn) {
    this.file = file;
    this.idColumn = idColumn;
    this.vectorColumn = vectorColumn;
  }

  /** What an import did. */
  public record Result(LayerEntry layer, int newSamples) {}

  /**
   * Reads the whole file, then publishes its samples and the layer {@code model/layer} (replacing
   * one of that name) in one step.
   *
   * @throws StoreException naming the file and the problem (a missing or unreadable file, a missing
   *     column, a NULL or a vector of another length, a sample id seen twice), with the store left
   *     as it was
   */
  public Result into(StoreWriter store, String model, String layer, BufferAllocator allocator)
      throws IOException, SQLException {
    if (!Files.isRegularFile(file)) throw failure("no such file");
    byte[] magic = new byte[6];
    int read;
    try (InputStream in = Files.newInputStream(file)) {
      read = in.readNBytes(magic, 0, 6);
    }
    String head = new String(magic, 0, read, StandardCharsets.ISO_8859_1);
    if (head.startsWith("PAR1")) return fromParquet(store, model, layer, allocator);
    if (head.startsWith("ARROW1")) return fromArrowFile(store, model, layer, allocator);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        ArrowStreamReader reader = new ArrowStreamReader(channel, allocator)) {
      checkColumns(reader.getVectorSchemaRoot().getSchema());
      return copy(reader.getVectorSchemaRoot(), reader::loadNextBatch, store, model, layer);
    } catch (StoreException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw unreadable(e.getMessage(), e);
    }
  }

  private StoreException unreadable(String why, Throwable cause) {
    return new StoreException(
        file + ": not a readable Parquet or Arrow IPC file (" + why + ")", cause);
  }

  private Result fromParquet(
      StoreWriter store, String model, String layer, BufferAllocator allocator)
      throws IOException, SQLException {
    String literal = "'" + file.toAbsolutePath().toString().replace("'", "''") + "'";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM read_parquet(" + literal + ")");
        ArrowReader reader =
            (ArrowReader) rs.unwrap(DuckDBResultSet.class).arrowExportStream(allocator, 2048)) {
      checkColumns(reader.getVectorSchemaRoot().getSchema());
      return copy(reader.getVectorSchemaRoot(), reader::loadNextBatch, store, model, layer);
    }
  }

  private Result fromArrowFile(
      StoreWriter store, String model, String layer, BufferAllocator allocator) throws IOException {
    BatchReader reader;
    try {
      reader = BatchReader.open(file, allocator);
    } catch (StoreException e) {
      throw unreadable(
          e.getMessage().substring(Math.min(e.getMessage().length(), file.toString().length() + 2)),
          e);
    }
    try (reader) {
      List<Field> fields = reader.schema().getFields();
      List<Integer> imported = new ArrayList<>();
      for (int f = 0; f < fields.size(); f++) {
        String name = fields.get(f).getName();
        if (name.equals(idColumn) || name.equals(vectorColumn) || METADATA.contains(name))
          imported.add(f);
      }
      checkColumns(reader.schema());
      VectorSchemaRoot root =
          reader.project(imported.stream().mapToInt(Integer::intValue).toArray());
      BatchSource batches =
          new BatchSource() {
            private int next;

            @Override
            public boolean loadNext() throws IOException {
              if (next >= reader.blocks().size()) return false;
              reader.load(next++, null);
              return true;
            }
          };
      return copy(root, batches, store, model, layer);
    }
  }

  /** The next batch into the root; false at the end. */
  private interface BatchSource {
    boolean loadNext() throws IOException;
  }

  /** Fails unless the file has the sample id and vector columns, of usable types. */
  private void checkColumns(Schema schema) throws StoreException {
    Field idField = column(schema, idColumn, "--sample-id");
    Field vectorField = column(schema, vectorColumn, "--vector");
    if (!(idField.getType() instanceof ArrowType.Int)) {
      throw failure("column " + idColumn + " is " + idField.getType() + ", not an integer");
    }
    if (!isFloatList(vectorField)) {
      throw failure(
          "column " + vectorColumn + " is " + vectorField + ", not a list of float32 or float64");
    }
  }

  private Result copy(
      VectorSchemaRoot root, BatchSource batches, StoreWriter store, String model, String layer)
      throws IOException {
    List<Sample> samples = new ArrayList<>();
    LayerWriter writer = null;
    float[] row = new float[0];
    try {
      while (batches.loadNext()) {
        // Vectors may be re-created per batch by some readers; look them up again.
        FieldVector ids = root.getVector(idColumn);
        FieldVector vectors = root.getVector(vectorColumn);
        FieldVector child = childOf(vectors);
        FieldVector split = root.getVector("split");
        FieldVector label = root.getVector("label");
        FieldVector labelName = root.getVector("label_name");
        for (int i = 0; i < root.getRowCount(); i++) {
          long rowNumber = samples.size() + 1L;
          if (ids.isNull(i)) throw failure("row " + rowNumber + ": " + idColumn + " is NULL");
          long id = ((BaseIntVector) ids).getValueAsLong(i);
          if (vectors.isNull(i))
            throw failure(
                "row " + rowNumber + " (sample_id " + id + "): " + vectorColumn + " is NULL");
          long start = startOf(vectors, i);
          int length = (int) (endOf(vectors, i) - start);
          if (writer == null) {
            if (length == 0) throw failure("row 1: the vector is empty");
            writer = store.beginLayer(model, layer, length, "imported");
            row = new float[length];
          }
          if (length != writer.dim()) {
            throw failure(
                "row "
                    + rowNumber
                    + " (sample_id "
                    + id
                    + "): "
                    + length
                    + " floats, but the first row has "
                    + writer.dim());
          }
          for (int j = 0; j < length; j++) {
            long at = start + j;
            if (child.isNull((int) at)) {
              throw failure(
                  "row " + rowNumber + " (sample_id " + id + "): element " + (j + 1) + " is NULL");
            }
            row[j] =
                child instanceof Float4Vector f
                    ? f.get((int) at)
                    : (float) ((Float8Vector) child).get((int) at);
          }
          writer.append(id, row, 0);
          samples.add(
              new Sample(
                  id,
                  text(split, i),
                  integer(label, i),
                  text(labelName, i),
                  file.getFileName().toString()));
        }
      }
      if (writer == null) throw failure("no rows");
      long[] sorted = samples.stream().mapToLong(Sample::id).sorted().toArray();
      for (int i = 1; i < sorted.length; i++) {
        if (sorted[i] == sorted[i - 1])
          throw failure("sample_id " + sorted[i] + " appears more than once");
      }
      // Samples and layer in one publication: a layer never refers to samples the store does
      // not show, and a killed import leaves the store as it was.
      long before = samplesIn(store);
      LayerEntry entry = store.publish(samples, List.of(writer)).getFirst();
      return new Result(entry, (int) (samplesIn(store) - before));
    } finally {
      if (writer != null) writer.close();
    }
  }

  private static long samplesIn(StoreWriter store) {
    return store.manifest().samples() == null ? 0 : store.manifest().samples().rows();
  }

  private static int columnIndex(Schema schema, String name) {
    List<Field> fields = schema.getFields();
    for (int f = 0; f < fields.size(); f++) if (fields.get(f).getName().equals(name)) return f;
    return -1;
  }

  private Field column(Schema schema, String name, String option) throws StoreException {
    int f = columnIndex(schema, name);
    if (f < 0) {
      List<String> names = schema.getFields().stream().map(Field::getName).toList();
      throw failure(
          "no column "
              + name
              + " (columns: "
              + String.join(", ", names)
              + "); name it with "
              + option);
    }
    return schema.getFields().get(f);
  }

  private static boolean isFloatList(Field field) {
    ArrowType type = field.getType();
    boolean list =
        type instanceof ArrowType.FixedSizeList
            || type instanceof ArrowType.List
            || type instanceof ArrowType.LargeList;
    return list
        && field.getChildren().size() == 1
        && field.getChildren().getFirst().getType() instanceof ArrowType.FloatingPoint f
        && (f.getPrecision() == FloatingPointPrecision.SINGLE
            || f.getPrecision() == FloatingPointPrecision.DOUBLE);
  }

  private static FieldVector childOf(FieldVector list) {
    if (list instanceof FixedSizeListVector f) return f.getDataVector();
    if (list instanceof ListVector l) return l.getDataVector();
    if (list instanceof LargeListVector l) return l.getDataVector();
    return null;
  }

  private static long startOf(FieldVector list, int i) {
    if (list instanceof FixedSizeListVector f) return (long) i * f.getListSize();
    return ((BaseListVector) list).getElementStartIndex(i);
  }

  private static long endOf(FieldVector list, int i) {
    if (list instanceof FixedSizeListVector f) return (long) (i + 1) * f.getListSize();
    return ((BaseListVector) list).getElementEndIndex(i);
  }

  private static String text(FieldVector v, int i) {
    if (v == null || v.isNull(i)) return null;
    return v.getObject(i).toString();
  }

  private static Integer integer(FieldVector v, int i) {
    if (!(v instanceof BaseIntVector b) || v.isNull(i)) return null;
    return Math.toIntExact(b.getValueAsLong(i));
  }

  private StoreException failure(String problem) {
    return new StoreException(file + ": " + problem);
  }
}
