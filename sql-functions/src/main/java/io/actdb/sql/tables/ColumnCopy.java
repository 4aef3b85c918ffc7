package io.actdb.sql.tables;

import io.actdb.sql.duckdb.OutputColumn;
import io.actdb.sql.duckdb.SqlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Copies rows of one loaded Arrow column into a DuckDB output column. Made once per loaded record
 * batch and column: it caches whether the column (and its float child) has NULLs, which Arrow
 * Java counts by scanning the validity bitmap.
 */
final class ColumnCopy {
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

  /** Copies rows {@code start .. start + rows} of the Arrow column into rows {@code 0 .. rows} of {@code out}. */
  void copy(int start, int rows, OutputColumn out) {
    switch (type) {
      case SqlType.ArrayOf a -> copyArray(a.size(), start, rows, out);
      case SqlType.ListOf l -> copyList(start, rows, out);
      default -> {
        if (type.equals(SqlType.VARCHAR)) {
          copyStrings(start, rows, out);
        } else if (type.equals(SqlType.BOOLEAN)) {
          copyBooleans(start, rows, out);
        } else {
          int width = ((BaseFixedWidthVector) vector).getTypeWidth();
          MemorySegment source = segment(vector.getDataBuffer());
          MemorySegment.copy(source, (long) start * width, out.data(), 0, (long) rows * width);
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
    MemorySegment.copy(segment(child.getDataBuffer()), first * 4, elements.data(), 0, count * 4);
    if (childHasNulls) {
      for (long e = 0; e < count; e++) {
        if (child.isNull((int) (first + e))) elements.setNull(e);
      }
    }
  }

  /** {@code FLOAT[]}: the rows' elements are one contiguous run of the child, one bulk copy. */
  private void copyList(int start, int rows, OutputColumn out) {
    MemorySegment offsets = segment(((ListVector) vector).getOffsetBuffer());
    long first = offsets.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, start);
    long last = offsets.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, start + rows);
    long base = out.appendListElements(last - first);
    OutputColumn elements = out.listElements();
    MemorySegment.copy(
        segment(child.getDataBuffer()), first * 4, elements.data(), base * 4, (last - first) * 4);
    for (int r = 0; r < rows; r++) {
      long begin = offsets.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, start + r);
      long end = offsets.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, start + r + 1);
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
    MemorySegment offsets = segment(strings.getOffsetBuffer());
    MemorySegment data = segment(strings.getDataBuffer());
    for (int r = 0; r < rows; r++) {
      if (hasNulls && strings.isNull(start + r)) continue;
      int begin = offsets.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, start + r);
      int end = offsets.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, start + r + 1);
      out.setString(r, data, begin, end - begin);
    }
  }

  private void copyBooleans(int start, int rows, OutputColumn out) {
    MemorySegment bits = segment(((BitVector) vector).getDataBuffer());
    MemorySegment bytes = out.data();
    for (int r = 0; r < rows; r++) {
      int i = start + r;
      int bit = (bits.get(ValueLayout.JAVA_BYTE, i >>> 3) >>> (i & 7)) & 1;
      bytes.set(ValueLayout.JAVA_BYTE, r, (byte) bit);
    }
  }

  /** An Arrow buffer as a bounds-checked segment over its native memory. */
  private static MemorySegment segment(ArrowBuf buffer) {
    if (buffer.capacity() == 0) return MemorySegment.NULL;
    return MemorySegment.ofAddress(buffer.memoryAddress()).reinterpret(buffer.capacity());
  }
}
