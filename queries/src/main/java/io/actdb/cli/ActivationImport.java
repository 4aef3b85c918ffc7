package io.actdb.cli;

import io.actdb.storage.LayerEntry;
import io.actdb.storage.LayerWriter;
import io.actdb.storage.Sample;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
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
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.duckdb.DuckDBResultSet;

/**
 * Brings activations computed elsewhere (e.g. PyTorch + pyarrow) into a store: a Parquet file
 * (read by DuckDB, handed over as Arrow batches) or an Arrow IPC file or stream (read by Arrow
 * Java), with an integer sample id column and a float vector column ({@code FLOAT[d]},
 * {@code FLOAT[]}, fixed-size or variable lists of float32 or float64). Optional columns
 * {@code split}, {@code label} and {@code label_name} become the samples' metadata. The layer
 * is published only when the whole file was read and checked.
 */
final class ActivationImport {
  private final Path file;
  private final String idColumn;
  private final String vectorColumn;

  ActivationImport(Path file, String idColumn, String vectorColumn) {
    this.file = file;
    this.idColumn = idColumn;
    this.vectorColumn = vectorColumn;
  }

  /** What an import did. */
  record Result(LayerEntry layer, int newSamples) {}

  Result into(StoreWriter store, String model, String layer, BufferAllocator allocator)
      throws IOException, SQLException, CommandFailure {
    if (!Files.isRegularFile(file)) throw new CommandFailure("actdb import: " + file + ": no such file");
    byte[] magic = new byte[6];
    int read;
    try (InputStream in = Files.newInputStream(file)) {
      read = in.readNBytes(magic, 0, 6);
    }
    String head = new String(magic, 0, read, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (head.startsWith("PAR1")) return fromParquet(store, model, layer, allocator);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        ArrowReader reader =
            head.startsWith("ARROW1")
                ? new ArrowFileReader(channel, allocator)
                : new ArrowStreamReader(channel, allocator)) {
      return copy(reader, store, model, layer);
    } catch (CommandFailure e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new CommandFailure(
          "actdb import: " + file + ": not a readable Parquet or Arrow IPC file (" + e.getMessage() + ")", e);
    }
  }

  private Result fromParquet(StoreWriter store, String model, String layer, BufferAllocator allocator)
      throws IOException, SQLException, CommandFailure {
    String literal = "'" + file.toAbsolutePath().toString().replace("'", "''") + "'";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM read_parquet(" + literal + ")");
        ArrowReader reader =
            (ArrowReader) rs.unwrap(DuckDBResultSet.class).arrowExportStream(allocator, 2048)) {
      return copy(reader, store, model, layer);
    }
  }

  private Result copy(ArrowReader reader, StoreWriter store, String model, String layer)
      throws IOException, CommandFailure {
    VectorSchemaRoot root = reader.getVectorSchemaRoot();
    FieldVector ids = column(root, idColumn, "--sample-id");
    FieldVector vectors = column(root, vectorColumn, "--vector");
    if (!(ids instanceof BaseIntVector)) {
      throw failure("column " + idColumn + " is " + ids.getField().getType() + ", not an integer");
    }
    if (!(vectors instanceof BaseListVector)
        || !(childOf(vectors) instanceof Float4Vector || childOf(vectors) instanceof Float8Vector)) {
      throw failure(
          "column " + vectorColumn + " is " + vectors.getField() + ", not a list of float32 or float64");
    }
    List<Sample> samples = new ArrayList<>();
    LayerWriter writer = null;
    float[] row = new float[0];
    try {
      while (reader.loadNextBatch()) {
        // Vectors may be re-created per batch by some readers; look them up again.
        ids = root.getVector(idColumn);
        vectors = root.getVector(vectorColumn);
        FieldVector child = childOf(vectors);
        FieldVector split = root.getVector("split");
        FieldVector label = root.getVector("label");
        FieldVector labelName = root.getVector("label_name");
        for (int i = 0; i < root.getRowCount(); i++) {
          long rowNumber = samples.size() + 1L;
          if (ids.isNull(i)) throw failure("row " + rowNumber + ": " + idColumn + " is NULL");
          long id = ((BaseIntVector) ids).getValueAsLong(i);
          if (vectors.isNull(i)) throw failure("row " + rowNumber + " (sample_id " + id + "): " + vectorColumn + " is NULL");
          long start = startOf(vectors, i);
          int length = (int) (endOf(vectors, i) - start);
          if (writer == null) {
            if (length == 0) throw failure("row 1: the vector is empty");
            writer = store.beginLayer(model, layer, length, "imported");
            row = new float[length];
          }
          if (length != writer.dim()) {
            throw failure(
                "row " + rowNumber + " (sample_id " + id + "): " + length + " floats, but the first row has "
                    + writer.dim());
          }
          for (int j = 0; j < length; j++) {
            long at = start + j;
            if (child.isNull((int) at)) {
              throw failure("row " + rowNumber + " (sample_id " + id + "): element " + (j + 1) + " is NULL");
            }
            row[j] = child instanceof Float4Vector f ? f.get((int) at) : (float) ((Float8Vector) child).get((int) at);
          }
          writer.append(id, row, 0);
          samples.add(new Sample(id, text(split, i), integer(label, i), text(labelName, i), file.getFileName().toString()));
        }
      }
      if (writer == null) throw failure("no rows");
      long[] sorted = samples.stream().mapToLong(Sample::id).sorted().toArray();
      for (int i = 1; i < sorted.length; i++) {
        if (sorted[i] == sorted[i - 1]) throw failure("sample_id " + sorted[i] + " appears more than once");
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

  private FieldVector column(VectorSchemaRoot root, String name, String option) throws CommandFailure {
    FieldVector v = root.getVector(name);
    if (v == null) {
      List<String> names = root.getSchema().getFields().stream().map(f -> f.getName()).toList();
      throw failure("no column " + name + " (columns: " + String.join(", ", names) + "); name it with " + option);
    }
    return v;
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

  private CommandFailure failure(String problem) {
    return new CommandFailure("actdb import: " + file + ": " + problem);
  }
}
