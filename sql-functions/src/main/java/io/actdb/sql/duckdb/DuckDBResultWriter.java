package io.actdb.sql.duckdb;

import io.actdb.sql.spi.ResultWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A {@link ResultWriter} over one row of a DuckDB result vector. Field and element writers point
 * into child vectors; the finalize upcall moves the top writer from row to row.
 */
final class DuckDBResultWriter implements ResultWriter {
  private final MemorySegment vector;
  private MemorySegment data;
  private long row;
  private DuckDBResultWriter[] fields;
  private DuckDBResultWriter elements;
  private long firstElement;

  DuckDBResultWriter(MemorySegment vector) {
    this.vector = vector;
  }

  void moveTo(long row) {
    this.row = row;
  }

  @Override
  public void setDouble(double value) {
    if (data == null) data = NativeDuckDB.vectorData(vector);
    data.setAtIndex(ValueLayout.JAVA_DOUBLE, row, value);
  }

  @Override
  public void setFloat(float value) {
    if (data == null) data = NativeDuckDB.vectorData(vector);
    data.setAtIndex(ValueLayout.JAVA_FLOAT, row, value);
  }

  @Override
  public void setLong(long value) {
    if (data == null) data = NativeDuckDB.vectorData(vector);
    data.setAtIndex(ValueLayout.JAVA_LONG, row, value);
  }

  @Override
  public void setNull() {
    NativeDuckDB.setNull(vector, row);
  }

  @Override
  public ResultWriter field(int index) {
    if (fields == null) fields = new DuckDBResultWriter[index + 1];
    if (index >= fields.length) fields = Arrays.copyOf(fields, index + 1);
    DuckDBResultWriter f = fields[index];
    if (f == null)
      f = fields[index] = new DuckDBResultWriter(NativeDuckDB.structChild(vector, index));
    f.moveTo(row);
    return f;
  }

  @Override
  public void list(int length) {
    if (length < 0) throw new IllegalArgumentException("negative list length " + length);
    long offset = NativeDuckDB.listSize(vector);
    NativeDuckDB.listReserveAndSetSize(vector, offset + length);
    if (data == null) data = NativeDuckDB.vectorData(vector);
    // duckdb_list_entry: { uint64 offset; uint64 length; }
    data.setAtIndex(ValueLayout.JAVA_LONG, 2 * row, offset);
    data.setAtIndex(ValueLayout.JAVA_LONG, 2 * row + 1, length);
    // Growing the child may move its buffers: a fresh writer re-reads them.
    elements = new DuckDBResultWriter(NativeDuckDB.listChild(vector));
    firstElement = offset;
  }

  @Override
  public ResultWriter listElement(int index) {
    if (elements == null) throw new IllegalStateException("list() was not called for this row");
    elements.moveTo(firstElement + index);
    return elements;
  }
}
