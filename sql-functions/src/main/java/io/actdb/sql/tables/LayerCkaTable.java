package io.actdb.sql.tables;

import io.actdb.sql.cka.CkaMatrix;
import io.actdb.sql.spi.BoundScan;
import io.actdb.sql.spi.OutputChunk;
import io.actdb.sql.spi.OutputColumn;
import io.actdb.sql.spi.ScanTask;
import io.actdb.sql.spi.SqlColumn;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import io.actdb.sql.spi.TableFunction;
import io.actdb.sql.spi.TableScanner;
import io.actdb.storage.LayerEntry;
import io.actdb.storage.Sample;
import io.actdb.storage.Store;
import io.actdb.storage.StoreException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;
import org.apache.arrow.memory.RootAllocator;

/**
 * {@code layer_cka(model_a, model_b [, split := ...])}: linear CKA, biased and debiased, of every
 * sample layer of {@code model_a} against every sample layer of {@code model_b} (or of a model with
 * itself), as rows {@code (layer_a, position_a, layer_b, position_b, cka, cka_debiased)} in forward
 * order. One pass: the layers' files are read once, straight into {@code cka_matrix}'s row blocks
 * ({@link SideBySideRows}, {@link CkaMatrix#addRows}), over the samples every one of them holds (of
 * one split, if given); the values are those of {@code cka}/{@code cka_debiased} over the same
 * samples. NULL where undefined (too few samples, a constant layer).
 */
public final class LayerCkaTable implements TableFunction {
  public static final String NAME = "layer_cka";

  private static final List<SqlColumn> COLUMNS =
      List.of(
          new SqlColumn("layer_a", SqlType.VARCHAR),
          new SqlColumn("position_a", SqlType.INTEGER),
          new SqlColumn("layer_b", SqlType.VARCHAR),
          new SqlColumn("position_b", SqlType.INTEGER),
          new SqlColumn("cka", SqlType.DOUBLE),
          new SqlColumn("cka_debiased", SqlType.DOUBLE));

  private final Store store;
  private final CkaMatrix matrix = new CkaMatrix();

  public LayerCkaTable(Store store) {
    this.store = store;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<SqlType> parameters() {
    return List.of(SqlType.VARCHAR, SqlType.VARCHAR);
  }

  @Override
  public List<SqlColumn> namedParameters() {
    return List.of(new SqlColumn("split", SqlType.VARCHAR));
  }

  @Override
  public BoundScan bind(List<Object> arguments) {
    String modelA = (String) arguments.get(0);
    String modelB = (String) arguments.get(1);
    String split = (String) arguments.get(2);
    List<LayerEntry> layersA = sampleLayers(modelA);
    List<LayerEntry> layersB = Objects.equals(modelB, modelA) ? layersA : sampleLayers(modelB);
    List<LayerEntry> read = new ArrayList<>(layersA);
    if (layersB != layersA) read.addAll(layersB);
    return new Bound(layersA, layersB, read, split);
  }

  /** The sample layers of {@code model}, in forward order; an unknown model is an error. */
  private List<LayerEntry> sampleLayers(String model) {
    if (model == null) throw new SqlFunctionException("model_a and model_b must not be NULL");
    List<LayerEntry> all = store.layers().stream().filter(e -> e.model().equals(model)).toList();
    if (all.isEmpty()) {
      Set<String> models = new TreeSet<>();
      for (LayerEntry e : store.layers()) models.add(e.model());
      throw new SqlFunctionException(
          "no model "
              + model
              + " in the store "
              + store.directory()
              + " (it has: "
              + (models.isEmpty() ? "no models" : String.join(", ", models))
              + ")");
    }
    List<LayerEntry> sample =
        all.stream()
            .filter(e -> !e.tokenRows())
            .sorted(Comparator.comparingInt(LayerEntry::position).thenComparing(LayerEntry::layer))
            .toList();
    if (sample.isEmpty()) {
      throw new SqlFunctionException(
          "model "
              + model
              + " has only token layers (one row per token); compare them with cka over"
              + " token_pairs(...), or extract pooled layers");
    }
    return sample;
  }

  /** One call: the layers and the split; computes when the query first asks for rows. */
  private final class Bound implements BoundScan {
    final List<LayerEntry> layersA;
    final List<LayerEntry> layersB;
    final List<LayerEntry> read;
    final String split;

    Bound(List<LayerEntry> layersA, List<LayerEntry> layersB, List<LayerEntry> read, String split) {
      this.layersA = layersA;
      this.layersB = layersB;
      this.read = read;
      this.split = split;
    }

    @Override
    public List<SqlColumn> columns() {
      return COLUMNS;
    }

    @Override
    public long cardinality() {
      return (long) layersA.size() * layersB.size();
    }

    @Override
    public boolean cardinalityIsExact() {
      return true;
    }

    @Override
    public ScanTask start(int[] projection) {
      AtomicBoolean claimed = new AtomicBoolean();
      return new ScanTask() {
        @Override
        public int maxThreads() {
          return 1;
        }

        @Override
        public TableScanner newScanner() {
          // One scanner writes every row; DuckDB runs the computation's kernels on all cores.
          if (claimed.getAndSet(true)) return out -> 0;
          return new Rows(Bound.this, projection);
        }
      };
    }

    /** Runs the one pass: the CKA values of all pairs of {@link #read}, in its order. */
    CkaMatrix.Values compute() {
      LongPredicate keep = samplesOf(split);
      int[] dims = read.stream().mapToInt(LayerEntry::dim).toArray();
      String[] names = read.stream().map(e -> "layer " + e.qualifiedName()).toArray(String[]::new);
      CkaMatrix.State state = matrix.newState();
      new SideBySideRows(store, read)
          .read(
              keep,
              CkaMatrix.rowsPerBlock(dims),
              (block, rows) -> matrix.addRows(state, dims, names, block, rows));
      return matrix.values(state);
    }
  }

  /** Which sample ids a split keeps (every id without one). */
  private LongPredicate samplesOf(String split) {
    if (split == null) return id -> true;
    if (store.samplesFile() == null) {
      throw new SqlFunctionException(
          "split := '" + split + "' needs the store's samples file, and this store has none");
    }
    List<Sample> samples;
    try (RootAllocator allocator = new RootAllocator()) {
      samples = store.samples(allocator);
    } catch (StoreException e) {
      throw new SqlFunctionException(e.getMessage());
    }
    Set<Long> ids = new HashSet<>();
    for (Sample s : samples) if (split.equals(s.split())) ids.add(s.id());
    if (ids.isEmpty()) {
      String splits =
          samples.stream()
              .map(Sample::split)
              .filter(Objects::nonNull)
              .distinct()
              .sorted()
              .collect(Collectors.joining(", "));
      throw new SqlFunctionException(
          "no sample has split '"
              + split
              + "' (the store's splits: "
              + (splits.isEmpty() ? "none" : splits)
              + ")");
    }
    return ids::contains;
  }

  /** The scanner that computes on its first chunk, then writes the pairs a chunk at a time. */
  private static final class Rows implements TableScanner {
    private final Bound bound;
    private final int[] projection;
    private CkaMatrix.Values values;
    private int next; // next pair, a-major

    Rows(Bound bound, int[] projection) {
      this.bound = bound;
      this.projection = projection;
    }

    @Override
    public int fill(OutputChunk out) {
      if (values == null) {
        values = bound.compute();
        if (values == null) values = new CkaMatrix.Values(0, new Double[0], new Double[0]);
      }
      int pairs = bound.layersA.size() * bound.layersB.size();
      int rows = Math.min(out.capacity(), pairs - next);
      int offsetB = bound.layersB == bound.layersA ? 0 : bound.layersA.size();
      for (int r = 0; r < rows; r++, next++) {
        int a = next / bound.layersB.size();
        int b = next % bound.layersB.size();
        LayerEntry la = bound.layersA.get(a);
        LayerEntry lb = bound.layersB.get(b);
        int pair = a * values.layers() + offsetB + b;
        for (int c = 0; c < projection.length; c++) {
          OutputColumn column = out.column(c);
          switch (projection[c]) {
            case 0 -> string(column, r, la.layer());
            case 1 -> column.data().putInt(r * Integer.BYTES, la.position());
            case 2 -> string(column, r, lb.layer());
            case 3 -> column.data().putInt(r * Integer.BYTES, lb.position());
            case 4 -> number(column, r, values.layers() == 0 ? null : values.cka()[pair]);
            case 5 -> number(column, r, values.layers() == 0 ? null : values.ckaDebiased()[pair]);
            default -> throw new IllegalStateException("no column " + projection[c]);
          }
        }
      }
      return rows;
    }

    private static void string(OutputColumn column, int row, String text) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      column.setString(row, ByteBuffer.wrap(bytes), 0, bytes.length);
    }

    private static void number(OutputColumn column, int row, Double value) {
      if (value == null) column.setNull(row);
      else column.data().putDouble(row * Double.BYTES, value);
    }
  }
}
