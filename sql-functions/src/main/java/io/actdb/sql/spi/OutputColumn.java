package io.actdb.sql.spi;

import java.nio.ByteBuffer;

/**
 * One column of an {@link OutputChunk}: rows {@code 0 .. n} to write. Rows are valid unless {@link
 * #setNull} marks them.
 *
 * <ul>
 *   <li>BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, FLOAT, DOUBLE: write little-endian values into
 *       {@link #data()} (BOOLEAN: one byte per row, 0 or 1).
 *   <li>VARCHAR: {@link #setString} copies UTF-8 bytes into the engine's string storage.
 *   <li>{@code T[d]} (ARRAY): row {@code r}'s elements are elements {@code r·d .. r·d + d} of
 *       {@link #arrayElements()}, row-major.
 *   <li>{@code T[]} (LIST): {@link #appendListElements} grows the child, {@link #listElements()}
 *       writes it, {@link #setListEntry} points each row at its elements.
 * </ul>
 */
public interface OutputColumn {

  /** The column's SQL type. */
  SqlType type();

  /** Number of rows (elements, for array and list children) this column can hold. */
  long capacity();

  /**
   * The values of a fixed-width column: {@link #capacity()} × the type's width bytes from row 0,
   * little-endian, written by absolute index (a view over the engine's memory, so bulk {@code put}s
   * copy straight into it).
   *
   * @throws IllegalStateException for VARCHAR, ARRAY, LIST and STRUCT columns
   */
  ByteBuffer data();

  /** The elements of an ARRAY column: {@link #capacity()} × size of them, row-major. */
  OutputColumn arrayElements();

  /**
   * Grows a LIST column's child by {@code count} elements.
   *
   * @return the index of the first new element in {@link #listElements()}
   */
  long appendListElements(long count);

  /** The child of a LIST column, valid until the next {@link #appendListElements}. */
  OutputColumn listElements();

  /** Makes row {@code row} of a LIST column the elements {@code offset .. offset + length}. */
  void setListEntry(int row, long offset, long length);

  /**
   * Copies {@code length} UTF-8 bytes of {@code source} (direct or heap) from absolute index {@code
   * offset} into row {@code row}; {@code source}'s position and limit are left alone.
   */
  void setString(int row, ByteBuffer source, int offset, int length);

  /** Marks row (or element) {@code row} NULL. */
  void setNull(long row);
}
