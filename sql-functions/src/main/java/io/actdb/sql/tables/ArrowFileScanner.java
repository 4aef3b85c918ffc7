package io.actdb.sql.tables;

import io.actdb.sql.spi.OutputChunk;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.TableScanner;
import java.util.Arrays;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * One DuckDB thread's part of an {@link ArrowScanTask}: its own reader over the file, the record
 * batch it has loaded, and how far it has emitted it.
 */
final class ArrowFileScanner implements TableScanner {
  private final ArrowScanTask task;
  private final ArrowFile.Reader reader;
  private final VectorSchemaRoot root;
  private ColumnCopy[] columns;
  private String[] names;
  private int block = -1;
  private int batchRows;
  private int emitted;

  ArrowFileScanner(ArrowScanTask task) {
    this.task = task;
    this.reader = task.file.open();
    try {
      if (!reader.batches.blocks().equals(task.blocks)) {
        throw task.file.error("the file changed while the query was scanning it");
      }
      root = reader.batches.project(presentFields(task.fieldIndexes));
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /**
   * The file fields to load: the expected columns the file has (absent ones read as NULL); the
   * first field when none is, as a batch's row count comes with its loaded columns.
   */
  private static int[] presentFields(int[] fieldIndexes) {
    int[] present = Arrays.stream(fieldIndexes).filter(f -> f >= 0).toArray();
    return present.length == 0 ? new int[] {0} : present;
  }

  @Override
  public int fill(OutputChunk out) {
    while (emitted >= batchRows) {
      int next = task.claimBlock();
      if (next < 0) return 0;
      load(next);
    }
    int rows = Math.min(out.capacity(), batchRows - emitted);
    for (int c = 0; c < out.columnCount(); c++) {
      if (columns[c] == null) {
        for (int r = 0; r < rows; r++) out.column(c).setNull(r);
        continue;
      }
      try {
        columns[c].copy(emitted, rows, out.column(c));
      } catch (SqlFunctionException e) {
        throw e;
      } catch (RuntimeException e) {
        throw task.file.error(
            reader.batches.batchName(block) + ", column " + names[c] + ": cannot read (" + e + ")");
      }
    }
    emitted += rows;
    return rows;
  }

  private void load(int b) {
    block = b;
    try {
      batchRows = reader.load(b, task.checksums);
      emitted = 0;
      columns = new ColumnCopy[task.fieldIndexes.length];
      names = new String[columns.length];
      int loaded = 0;
      for (int c = 0; c < columns.length; c++) {
        if (task.fieldIndexes[c] < 0) continue;
        FieldVector vector = root.getVector(loaded++);
        columns[c] = new ColumnCopy(vector, task.types[c]);
        names[c] = vector.getName();
      }
    } catch (RuntimeException e) {
      batchRows = 0;
      emitted = 0;
      if (e instanceof SqlFunctionException) throw e;
      throw task.file.error(reader.batches.batchName(b) + " failed to load (" + e + ")");
    }
    task.scan.recordScanThread();
  }

  @Override
  public void close() {
    reader.close();
  }
}
