package io.actdb.sql.tables;

import io.actdb.sql.spi.OutputColumn;
import io.actdb.sql.spi.SqlType;
import java.nio.ByteBuffer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Copies rows of one loaded Arrow column into a DuckDB output column. Made once per loaded record
 * batch and column: it caches whether the column (and its float child) has NULLs, which Arrow Java
 * counts by scanning the validity bitmap.
 */
final class ColumnCopy {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final FieldVector vector;
  private final SqlType type;
  private final boolean hasNulls;
  private final FieldVector child;
  private final boolean childHasNulls;

  ColumnCopy(FieldVector vector, SqlType type) {
    this.vector = vector;
    this.type = type;
    this.hasNulls = vector.getNullCount() > 0;
    this.child =
        switch (vector) {
          case FixedSizeListVector l -> l.getDataVector();
          case ListVector l -> l.getDataVector();
          default -> null;
        };
    this.childHasNulls = child != null && child.getNullCount() > 0;
  }

  /** Whether the scan can produce a column of {@code type}. */
  static boolean supports(SqlType type) {
    return switch (type) {
      case SqlType.ArrayOf a -> a.child().equals(SqlType.FLOAT);
      case SqlType.ListOf l -> l.child().equals(SqlType.FLOAT);
      case SqlType.Simple s ->
          s.equals(SqlType.VARCHAR)
              || s.equals(SqlType.BOOLEAN)
              || s.equals(SqlType.BIGINT)
              || s.equals(SqlType.INTEGER)
              || s.equals(SqlType.SMALLINT)
              || s.equals(SqlType.TINYINT)
              || s.equals(SqlType.FLOAT)
              || s.equals(SqlType.DOUBLE);
      default -> false;
    };
  }

  /**
   * Copies rows {@code start .. start + rows} of the Arrow column into rows {@code 0 .. rows} of
   * {@code out}.
   */
  void copy(int start, int rows, OutputColumn out) {
    switch (type) {
      case SqlType.ArrayOf a -> copyArray(a.size(), start, rows, out);
      case SqlType.ListOf l -> {
        if (vector instanceof FixedSizeListVector fixed) {
          copyFixedAsList(fixed.getListSize(), start, rows, out);
        } else {
          copyList(start, rows, out);
        }
      }
      default -> {
        if (type.equals(SqlType.VARCHAR)) {
          copyStrings(start, rows, out);
        } else if (type.equals(SqlType.BOOLEAN)) {
          copyBooleans(start, rows, out);
        } else {
          int width = ((BaseFixedWidthVector) vector).getTypeWidth();
          int bytes = rows * width;
          out.data().put(0, span(vector.getDataBuffer(), (long) start * width, bytes), 0, bytes);
        }
      }
    }
    if (hasNulls) {
      for (int r = 0; r < rows; r++) {
        if (vector.isNull(start + r)) out.setNull(r);
      }
    }
  }

  /** {@code FLOAT[d]}: the rows' d-float runs are contiguous in both formats, one bulk copy. */
  private void copyArray(int size, int start, int rows, OutputColumn out) {
    OutputColumn elements = out.arrayElements();
    long first = (long) start * size;
    long count = (long) rows * size;
    int bytes = Math.toIntExact(count * 4);
    elements.data().put(0, span(child.getDataBuffer(), first * 4, bytes), 0, bytes);
    if (childHasNulls) {
      for (long e = 0; e < count; e++) {
        if (child.isNull((int) (first + e))) elements.setNull(e);
      }
    }
  }

  /**
   * A fixed-size list shown as {@code FLOAT[]} (wider than DuckDB's arrays): one bulk copy, then
   * each row points at its {@code size} elements.
   */
  private void copyFixedAsList(int size, int start, int rows, OutputColumn out) {
    long count = (long) rows * size;
    long base = out.appendListElements(count);
    OutputColumn elements = out.listElements();
    long first = (long) start * size;
    int bytes = Math.toIntExact(count * 4);
    elements
        .data()
        .put(Math.toIntExact(base * 4), span(child.getDataBuffer(), first * 4, bytes), 0, bytes);
    for (int r = 0; r < rows; r++) out.setListEntry(r, base + (long) r * size, size);
    if (childHasNulls) {
      for (long e = 0; e < count; e++) {
        if (child.isNull((int) (first + e))) elements.setNull(base + e);
      }
    }
  }

  /** {@code FLOAT[]}: the rows' elements are one contiguous run of the child, one bulk copy. */
  private void copyList(int start, int rows, OutputColumn out) {
    ArrowBuf offsets = ((ListVector) vector).getOffsetBuffer();
    long first = offsets.getInt(start * 4L);
    long last = offsets.getInt((start + rows) * 4L);
    long base = out.appendListElements(last - first);
    OutputColumn elements = out.listElements();
    int bytes = Math.toIntExact((last - first) * 4);
    elements
        .data()
        .put(Math.toIntExact(base * 4), span(child.getDataBuffer(), first * 4, bytes), 0, bytes);
    for (int r = 0; r < rows; r++) {
      long begin = offsets.getInt((start + r) * 4L);
      long end = offsets.getInt((start + r + 1) * 4L);
      out.setListEntry(r, base + begin - first, end - begin);
    }
    if (childHasNulls) {
      for (long e = first; e < last; e++) {
        if (child.isNull((int) e)) elements.setNull(base + e - first);
      }
    }
  }

  private void copyStrings(int start, int rows, OutputColumn out) {
    VarCharVector strings = (VarCharVector) vector;
    ArrowBuf offsets = strings.getOffsetBuffer();
    ArrowBuf buffer = strings.getDataBuffer();
    ByteBuffer data = span(buffer, 0, Math.toIntExact(buffer.capacity()));
    for (int r = 0; r < rows; r++) {
      if (hasNulls && strings.isNull(start + r)) continue;
      int begin = offsets.getInt((start + r) * 4L);
      int end = offsets.getInt((start + r + 1) * 4L);
      out.setString(r, data, begin, end - begin);
    }
  }

  private void copyBooleans(int start, int rows, OutputColumn out) {
    ArrowBuf bits = ((BitVector) vector).getDataBuffer();
    ByteBuffer bytes = out.data();
    for (int r = 0; r < rows; r++) {
      int i = start + r;
      int bit = (bits.getByte(i >>> 3) >>> (i & 7)) & 1;
      bytes.put(r, (byte) bit);
    }
  }

  /**
   * Bytes {@code from .. from + length} of an Arrow buffer as a view over its native memory (no
   * copy), bounds-checked against the buffer.
   */
  private static ByteBuffer span(ArrowBuf buffer, long from, int length) {
    if (length == 0) return EMPTY;
    if (from < 0 || from + length > buffer.capacity()) {
      throw new IndexOutOfBoundsException(
          "bytes " + from + " .. " + (from + length) + " of a buffer of " + buffer.capacity());
    }
    return buffer.nioBuffer(from, length);
  }
}
