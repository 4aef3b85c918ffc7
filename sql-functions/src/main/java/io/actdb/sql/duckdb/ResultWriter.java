package io.actdb.sql.duckdb;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where {@link AggregateFunction#finalize} writes one group's result: a DOUBLE or BIGINT value, a
 * STRUCT through {@link #field}, or a LIST through {@link #list}.
 *
 * <p>A writer points at one row of one DuckDB vector. Field and element writers point into child
 * vectors and are reused: each call to {@link #field} or {@link #element} moves them.
 */
public final class ResultWriter {
  private final MemorySegment vector;
  private MemorySegment data;
  private long row;
  private ResultWriter[] fields;
  private ResultWriter elements;
  private long firstElement;

  ResultWriter(MemorySegment vector) {
    this.vector = vector;
  }

  void moveTo(long row) {
    this.row = row;
  }

  /** Writes a DOUBLE value. */
  public void setDouble(double value) {
    if (data == null) data = NativeDuckDB.vectorData(vector);
    data.setAtIndex(ValueLayout.JAVA_DOUBLE, row, value);
  }

  /** Writes a DOUBLE value, or SQL NULL for {@code null}. */
  public void setDouble(Double value) {
    if (value == null) setNull();
    else setDouble(value.doubleValue());
  }

  /** Writes a BIGINT value. */
  public void setLong(long value) {
    if (data == null) data = NativeDuckDB.vectorData(vector);
    data.setAtIndex(ValueLayout.JAVA_LONG, row, value);
  }

  /**
   * Writes SQL NULL. For a STRUCT this row's fields must be written too (NULL or not): DuckDB
   * reads the children of a NULL struct row in some operators.
   */
  public void setNull() {
    NativeDuckDB.setNull(vector, row);
  }

  /** The writer of field {@code index} of this STRUCT row. */
  public ResultWriter field(int index) {
    if (fields == null) fields = new ResultWriter[index + 1];
    if (index >= fields.length) fields = java.util.Arrays.copyOf(fields, index + 1);
    ResultWriter f = fields[index];
    if (f == null) f = fields[index] = new ResultWriter(NativeDuckDB.structChild(vector, index));
    f.moveTo(row);
    return f;
  }

  /**
   * Makes this row a LIST of {@code length} elements; write element {@code i} through {@link
   * #listElement listElement(i)}.
   */
  public void list(int length) {
    if (length < 0) throw new IllegalArgumentException("negative list length " + length);
    long offset = NativeDuckDB.listSize(vector);
    NativeDuckDB.listReserveAndSetSize(vector, offset + length);
    if (data == null) data = NativeDuckDB.vectorData(vector);
    // duckdb_list_entry: { uint64 offset; uint64 length; }
    data.setAtIndex(ValueLayout.JAVA_LONG, 2 * row, offset);
    data.setAtIndex(ValueLayout.JAVA_LONG, 2 * row + 1, length);
    // Growing the child may move its buffers: a fresh writer re-reads them.
    elements = new ResultWriter(NativeDuckDB.listChild(vector));
    firstElement = offset;
  }

  /** The writer of element {@code index} of the list {@link #list} made of this row. */
  public ResultWriter listElement(int index) {
    if (elements == null) throw new IllegalStateException("list() was not called for this row");
    elements.moveTo(firstElement + index);
    return elements;
  }
}
