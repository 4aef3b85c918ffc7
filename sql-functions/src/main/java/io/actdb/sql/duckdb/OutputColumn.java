package io.actdb.sql.duckdb;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One column of an {@link OutputChunk}: a DuckDB vector to write rows {@code 0 .. n} into. Rows are
 * valid unless {@link #setNull} marks them.
 *
 * <ul>
 *   <li>BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, FLOAT, DOUBLE: write little-endian values into
 *       {@link #data()} (BOOLEAN: one byte per row, 0 or 1).
 *   <li>VARCHAR: {@link #setString} copies UTF-8 bytes into DuckDB's string heap.
 *   <li>{@code T[d]} (ARRAY): row {@code r}'s elements are elements {@code r·d .. r·d + d} of
 *       {@link #arrayElements()}, row-major.
 *   <li>{@code T[]} (LIST): {@link #appendListElements} grows the child, {@link #listElements()}
 *       writes it, {@link #setListEntry} points each row at its elements.
 * </ul>
 */
public final class OutputColumn {
  private final MemorySegment vector;
  private final SqlType type;
  private final long capacity;
  private MemorySegment data;
  private MemorySegment validity;
  private OutputColumn elements;

  OutputColumn(MemorySegment vector, SqlType type, long capacity) {
    this.vector = vector;
    this.type = type;
    this.capacity = capacity;
  }

  /** The column's SQL type. */
  public SqlType type() {
    return type;
  }

  /** Number of rows (elements, for array and list children) this column can hold. */
  public long capacity() {
    return capacity;
  }

  /**
   * The values of a fixed-width column: {@link #capacity()} × the type's width, starting at row
   * 0.
   *
   * @throws IllegalStateException for VARCHAR, ARRAY, LIST and STRUCT columns
   */
  public MemorySegment data() {
    if (data == null) {
      int width = width(type);
      if (width == 0) throw new IllegalStateException(type.sql() + " has no fixed-width data");
      data = NativeDuckDB.vectorData(vector).reinterpret(capacity * width);
    }
    return data;
  }

  /** The elements of an ARRAY column: {@link #capacity()} × size of them, row-major. */
  public OutputColumn arrayElements() {
    if (!(type instanceof SqlType.ArrayOf array)) {
      throw new IllegalStateException(type.sql() + " is not an ARRAY");
    }
    if (elements == null) {
      elements =
          new OutputColumn(NativeDuckDB.arrayChild(vector), array.child(), capacity * array.size());
    }
    return elements;
  }

  /**
   * Grows a LIST column's child by {@code count} elements.
   *
   * @return the index of the first new element in {@link #listElements()}
   */
  public long appendListElements(long count) {
    if (!(type instanceof SqlType.ListOf)) {
      throw new IllegalStateException(type.sql() + " is not a LIST");
    }
    long first = NativeDuckDB.listSize(vector);
    NativeDuckDB.listReserveAndSetSize(vector, first + count);
    elements = null; // growing may move the child's buffers
    return first;
  }

  /** The child of a LIST column, valid until the next {@link #appendListElements}. */
  public OutputColumn listElements() {
    if (!(type instanceof SqlType.ListOf list)) {
      throw new IllegalStateException(type.sql() + " is not a LIST");
    }
    if (elements == null) {
      MemorySegment child = NativeDuckDB.listChild(vector);
      elements = new OutputColumn(child, list.child(), NativeDuckDB.listSize(vector));
    }
    return elements;
  }

  /** Makes row {@code row} of a LIST column the elements {@code offset .. offset + length}. */
  public void setListEntry(int row, long offset, long length) {
    checkRow(row);
    if (data == null) data = NativeDuckDB.vectorData(vector).reinterpret(capacity * 16);
    // duckdb_list_entry: { uint64 offset; uint64 length; }
    data.setAtIndex(ValueLayout.JAVA_LONG, 2L * row, offset);
    data.setAtIndex(ValueLayout.JAVA_LONG, 2L * row + 1, length);
  }

  /**
   * Copies {@code length} UTF-8 bytes of {@code source} (native memory or a heap array) from
   * {@code offset} into row {@code row}.
   */
  public void setString(int row, MemorySegment source, long offset, long length) {
    checkRow(row);
    MemorySegment bytes = source.asSlice(offset, length); // bounds check before DuckDB reads it
    NativeDuckDB.assignString(vector, row, bytes, length);
  }

  /** Marks row (or element) {@code row} NULL. */
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
    return switch (s.typeId()) {
      case DuckDBCApi.TYPE_BOOLEAN, DuckDBCApi.TYPE_TINYINT -> 1;
      case DuckDBCApi.TYPE_SMALLINT -> 2;
      case DuckDBCApi.TYPE_INTEGER, DuckDBCApi.TYPE_FLOAT -> 4;
      case DuckDBCApi.TYPE_BIGINT, DuckDBCApi.TYPE_DOUBLE -> 8;
      default -> 0;
    };
  }
}
