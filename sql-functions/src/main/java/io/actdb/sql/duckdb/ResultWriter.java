package io.actdb.sql.duckdb;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Where {@link AggregateFunction#finalize} writes one group's result. */
public final class ResultWriter {
  private final MemorySegment vector;
  private MemorySegment data;
  private long row;

  ResultWriter(MemorySegment vector) {
    this.vector = vector;
  }

  void moveTo(long row) {
    this.row = row;
  }

  /** Writes a DOUBLE result. */
  public void setDouble(double value) {
    if (data == null) data = NativeDuckDB.vectorData(vector);
    data.setAtIndex(ValueLayout.JAVA_DOUBLE, row, value);
  }

  /** Writes SQL NULL. */
  public void setNull() {
    NativeDuckDB.setNull(vector, row);
  }
}
