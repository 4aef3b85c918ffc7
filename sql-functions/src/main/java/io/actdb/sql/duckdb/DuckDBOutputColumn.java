package io.actdb.sql.duckdb;

import io.actdb.sql.spi.OutputColumn;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An {@link OutputColumn} over a DuckDB vector of an output chunk. {@link #data()} is a
 * little-endian view of the vector's own memory, so a bulk {@code put} writes straight into it.
 */
final class DuckDBOutputColumn implements OutputColumn {
  private final MemorySegment vector;
  private final SqlType type;
  private final long capacity;
  private ByteBuffer dataView;
  private MemorySegment listEntries;
  private MemorySegment validity;
  private DuckDBOutputColumn elements;

  DuckDBOutputColumn(MemorySegment vector, SqlType type, long capacity) {
    this.vector = vector;
    this.type = type;
    this.capacity = capacity;
  }

  @Override
  public SqlType type() {
    return type;
  }

  @Override
  public long capacity() {
    return capacity;
  }

  @Override
  public ByteBuffer data() {
    if (dataView == null) {
      int width = width(type);
      if (width == 0) throw new IllegalStateException(type.sql() + " has no fixed-width data");
      long bytes = capacity * width;
      if (bytes > Integer.MAX_VALUE) {
        throw new SqlFunctionException(
            "a result chunk of "
                + type.sql()
                + " values needs "
                + bytes
                + " bytes, more than one buffer holds (2^31); return fewer dimensions");
      }
      dataView =
          NativeDuckDB.vectorData(vector)
              .reinterpret(bytes)
              .asByteBuffer()
              .order(ByteOrder.LITTLE_ENDIAN);
    }
    return dataView;
  }

  @Override
  public DuckDBOutputColumn arrayElements() {
    if (!(type instanceof SqlType.ArrayOf array)) {
      throw new IllegalStateException(type.sql() + " is not an ARRAY");
    }
    if (elements == null) {
      elements =
          new DuckDBOutputColumn(
              NativeDuckDB.arrayChild(vector), array.child(), capacity * array.size());
    }
    return elements;
  }

  @Override
  public long appendListElements(long count) {
    if (!(type instanceof SqlType.ListOf)) {
      throw new IllegalStateException(type.sql() + " is not a LIST");
    }
    long first = NativeDuckDB.listSize(vector);
    NativeDuckDB.listReserveAndSetSize(vector, first + count);
    elements = null; // growing may move the child's buffers
    return first;
  }

  @Override
  public DuckDBOutputColumn listElements() {
    if (!(type instanceof SqlType.ListOf list)) {
      throw new IllegalStateException(type.sql() + " is not a LIST");
    }
    if (elements == null) {
      MemorySegment child = NativeDuckDB.listChild(vector);
      elements = new DuckDBOutputColumn(child, list.child(), NativeDuckDB.listSize(vector));
    }
    return elements;
  }

  @Override
  public void setListEntry(int row, long offset, long length) {
    checkRow(row);
    if (listEntries == null) {
      listEntries = NativeDuckDB.vectorData(vector).reinterpret(capacity * 16);
    }
    // duckdb_list_entry: { uint64 offset; uint64 length; }
    listEntries.setAtIndex(ValueLayout.JAVA_LONG, 2L * row, offset);
    listEntries.setAtIndex(ValueLayout.JAVA_LONG, 2L * row + 1, length);
  }

  @Override
  public void setString(int row, ByteBuffer source, int offset, int length) {
    checkRow(row);
    // asSlice checks the bounds before DuckDB reads the bytes.
    MemorySegment bytes = MemorySegment.ofBuffer(source).asSlice(offset, length);
    NativeDuckDB.assignString(vector, row, bytes, length);
  }

  @Override
  public void setNull(long row) {
    checkRow(row);
    if (validity == null) {
      validity = NativeDuckDB.writableValidity(vector).reinterpret(((capacity + 63) >>> 6) * 8);
    }
    long word = row >>> 6;
    long bits = validity.getAtIndex(ValueLayout.JAVA_LONG, word);
    validity.setAtIndex(ValueLayout.JAVA_LONG, word, bits & ~(1L << (row & 63)));
  }

  private void checkRow(long row) {
    if (row < 0 || row >= capacity) {
      throw new IndexOutOfBoundsException("row " + row + " of a column of " + capacity);
    }
  }

  /** Bytes per value of a fixed-width type; 0 for the others. */
  static int width(SqlType type) {
    if (!(type instanceof SqlType.Simple s)) return 0;
    return switch (LogicalTypes.typeId(s)) {
      case DuckDBCApi.TYPE_BOOLEAN, DuckDBCApi.TYPE_TINYINT -> 1;
      case DuckDBCApi.TYPE_SMALLINT -> 2;
      case DuckDBCApi.TYPE_INTEGER, DuckDBCApi.TYPE_FLOAT -> 4;
      case DuckDBCApi.TYPE_BIGINT, DuckDBCApi.TYPE_DOUBLE -> 8;
      default -> 0;
    };
  }
}
