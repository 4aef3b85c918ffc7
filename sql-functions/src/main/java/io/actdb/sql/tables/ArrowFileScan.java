package io.actdb.sql.tables;

import io.actdb.sql.spi.BoundScan;
import io.actdb.sql.spi.ScanTask;
import io.actdb.sql.spi.SqlColumn;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import io.actdb.storage.FileChecksums;
import io.actdb.storage.StoreException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A parallel scan over one Arrow IPC file (the random-access "file" format), as the bound call of a
 * table function. {@code read_arrow_file(path)} uses it, and so can any table function that maps
 * its arguments to a file with a known schema:
 *
 * <pre>{@code
 * public BoundScan bind(List<Object> args) {            // e.g. layer(model, layer)
 *   LayerEntry layer = store.layer((String) args.get(0), (String) args.get(1));
 *   return ArrowFileScan.of(layer.file(),
 *           List.of(new SqlColumn("sample_id", SqlType.BIGINT),
 *                   new SqlColumn("vec", SqlType.floatArray(layer.dim()))),
 *           "layer " + layer.model() + "/" + layer.name())
 *       .withCardinality(layer.rows());
 * }
 * }</pre>
 *
 * <p>{@link #of} does no I/O: the file is opened, and its schema checked against the expected
 * columns (by name; other columns of the file are ignored), only when a query starts scanning it,
 * so a broken file fails only the queries that read it. Each execution reads the footer's list of
 * record batches; each DuckDB thread opens its own reader (Arrow readers are not thread-safe) on
 * its own child allocator, claims batches from a shared counter, reads only the projected columns'
 * buffers of each, and emits them in slices of at most DuckDB's vector size. Fixed-width columns
 * and {@code FLOAT[d]} vectors are bulk copies from Arrow's buffers into DuckDB's vectors. DuckDB's
 * destroy callbacks close everything; {@link #openResources()} and {@link #allocatedBytes()} are 0
 * when no scan runs.
 *
 * <p>Errors name the label, the file and the problem: missing or unreadable file, not an Arrow file
 * or truncated (no footer), a column missing or of another type than expected (e.g. {@code
 * FLOAT[64]} expected, {@code FLOAT[32]} in the file), a record batch that does not load.
 */
public final class ArrowFileScan implements BoundScan {
  /**
   * System property: {@code false} scans store files without checking their checksums (to measure
   * what the checks cost); read when each scan starts.
   */
  public static final String VERIFY_PROPERTY = "actdb.store.verify";

  private final ArrowFile file;
  private final List<SqlColumn> columns;
  private final long rows;

  /** Expected columns a file may lack (files written before they existed): they read as NULL. */
  private final Set<String> absentAsNull;

  private final Set<Long> scanThreads = ConcurrentHashMap.newKeySet();

  private ArrowFileScan(ArrowFile file, List<SqlColumn> columns, long rows) {
    this(file, columns, rows, Set.of());
  }

  private ArrowFileScan(
      ArrowFile file, List<SqlColumn> columns, long rows, Set<String> absentAsNull) {
    this.file = file;
    this.columns = List.copyOf(columns);
    this.rows = rows;
    this.absentAsNull = Set.copyOf(absentAsNull);
    if (this.columns.isEmpty()) throw new IllegalArgumentException("no columns to scan");
    for (SqlColumn c : this.columns) {
      if (!ColumnCopy.supports(c.type())) {
        throw new IllegalArgumentException(
            "column " + c + ": type not supported by the Arrow scan");
      }
    }
  }

  /**
   * A scan of {@code file} that will produce {@code expectedColumns}, without touching the file
   * now. Supported types: BIGINT, INTEGER, SMALLINT, TINYINT, FLOAT, DOUBLE, VARCHAR, BOOLEAN,
   * {@code FLOAT[d]}, {@code FLOAT[]}.
   *
   * @param label how error messages name what is scanned, e.g. {@code "layer resnet18/fc"}
   */
  public static ArrowFileScan of(Path file, List<SqlColumn> expectedColumns, String label) {
    return new ArrowFileScan(new ArrowFile(file, label), expectedColumns, -1);
  }

  /**
   * A scan of all columns of {@code file}, read from its footer now, with the exact row count from
   * the record batch headers.
   *
   * @param label how error messages name what is scanned (e.g. the path as the user wrote it)
   * @throws SqlFunctionException if the file cannot be read or has a column of an unsupported type
   */
  public static ArrowFileScan ofFileSchema(Path file, String label) {
    ArrowFile arrowFile = new ArrowFile(file, label);
    try (ArrowFile.Reader reader = arrowFile.open()) {
      List<SqlColumn> columns = new ArrayList<>();
      for (Field field : reader.batches.schema().getFields()) {
        SqlType type = ArrowColumnTypes.sqlType(field);
        if (type == null) {
          throw arrowFile.error(
              "column "
                  + field.getName()
                  + " has Arrow type "
                  + ArrowColumnTypes.describe(field)
                  + ", which cannot be read (supported: "
                  + ArrowColumnTypes.SUPPORTED
                  + ")");
        }
        columns.add(new SqlColumn(field.getName(), type));
      }
      if (columns.isEmpty()) throw arrowFile.error("the file has no columns");
      return new ArrowFileScan(arrowFile, columns, reader.rowCount());
    }
  }

  /** This scan with a known row count, which DuckDB's planner uses (join order, for one). */
  public ArrowFileScan withCardinality(long rows) {
    if (rows < 0) throw new IllegalArgumentException("negative row count " + rows);
    return new ArrowFileScan(file, columns, rows, absentAsNull);
  }

  /**
   * This scan reading the expected column {@code name} as all NULL when the file has no column of
   * that name (files written before the column existed); a column of that name but of another type
   * still fails.
   */
  public ArrowFileScan withAbsentColumnAsNull(String name) {
    Set<String> absent = new HashSet<>(absentAsNull);
    absent.add(name);
    return new ArrowFileScan(file, columns, rows, absent);
  }

  /**
   * This scan checking every record batch it reads against {@code checksums} (those its writer
   * recorded; null: none): a batch whose bytes differ fails the query, naming the file and the
   * batch. Only the bytes the query reads are checked (the header and the projected columns).
   */
  public ArrowFileScan withChecksums(FileChecksums checksums) {
    return new ArrowFileScan(
        new ArrowFile(file.path(), file.label(), checksums, file.whyMissing()),
        columns,
        rows,
        absentAsNull);
  }

  /** This scan explaining a missing file with {@code whyMissing} (called when it is missing). */
  public ArrowFileScan withMissingFileExplanation(Supplier<String> whyMissing) {
    return new ArrowFileScan(
        new ArrowFile(file.path(), file.label(), file.checksums(), whyMissing),
        columns,
        rows,
        absentAsNull);
  }

  /** The scanned file. */
  public Path file() {
    return file.path();
  }

  /** How error messages name this scan. */
  public String label() {
    return file.label();
  }

  @Override
  public List<SqlColumn> columns() {
    return columns;
  }

  @Override
  public long cardinality() {
    return rows;
  }

  @Override
  public boolean cardinalityIsExact() {
    return rows >= 0;
  }

  /** Opens the file, checks its schema and lists its record batches; closes it again. */
  @Override
  public ScanTask start(int[] projection) {
    try (ArrowFile.Reader reader = file.open()) {
      int[] fieldIndexes = fieldIndexes(reader.batches.schema());
      int[] projectedFields = new int[projection.length];
      SqlType[] types = new SqlType[projection.length];
      for (int i = 0; i < projection.length; i++) {
        projectedFields[i] = fieldIndexes[projection[i]];
        types[i] = columns.get(projection[i]).type();
      }
      FileChecksums checksums = file.checksumsToVerify();
      try {
        reader.batches.checkBatchCount(checksums);
      } catch (StoreException e) {
        throw new SqlFunctionException(e.getMessage());
      }
      return new ArrowScanTask(
          this, file, reader.batches.blocks(), projectedFields, types, checksums);
    }
  }

  /**
   * Number of distinct threads that have read at least one record batch of this scan, over all its
   * executions; tells tests whether DuckDB scanned in parallel.
   */
  public int scanThreadCount() {
    return scanThreads.size();
  }

  /** Arrow file readers (each with a channel and a child allocator) open now, in all scans. */
  public static int openResources() {
    return ArrowFile.openReaders();
  }

  /** Bytes of Arrow memory held now by all scans. */
  public static long allocatedBytes() {
    return ArrowFile.allocatedBytes();
  }

  void recordScanThread() {
    scanThreads.add(Thread.currentThread().threadId());
  }

  /**
   * For each expected column, its field index in {@code schema} (-1: absent, read as NULL); fails
   * on any mismatch.
   */
  private int[] fieldIndexes(Schema schema) {
    List<Field> fields = schema.getFields();
    int[] indexes = new int[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      SqlColumn expected = columns.get(c);
      int found = -1;
      for (int f = 0; f < fields.size() && found < 0; f++) {
        if (fields.get(f).getName().equals(expected.name())) found = f;
      }
      if (found < 0 && absentAsNull.contains(expected.name())) {
        indexes[c] = -1;
        continue;
      }
      if (found < 0) {
        List<String> names = new ArrayList<>();
        for (Field f : fields) names.add(f.getName());
        throw file.error(
            "expected a column "
                + expected
                + ", the file has none (its columns: "
                + String.join(", ", names)
                + ")");
      }
      Field field = fields.get(found);
      SqlType actual = ArrowColumnTypes.sqlType(field);
      if (!expected.type().equals(actual)) {
        throw file.error(
            "column "
                + expected.name()
                + ": expected "
                + expected.type().sql()
                + ", the file has "
                + (actual == null
                    ? "Arrow type " + ArrowColumnTypes.describe(field) + ", which cannot be read"
                    : actual.sql() + " (Arrow " + ArrowColumnTypes.describe(field) + ")"));
      }
      indexes[c] = found;
    }
    return indexes;
  }
}
