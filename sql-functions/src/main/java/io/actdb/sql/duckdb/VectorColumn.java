package io.actdb.sql.duckdb;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A column of float vectors ({@code FLOAT[d]}, {@code FLOAT[]} and their DOUBLE twins) copied
 * out of a DuckDB vector. Row {@code r}'s vector is {@code values()[offset(r) ..
 * offset(r) + dim(r))}. Reused per thread: valid until the next load on the same thread.
 */
public final class VectorColumn {
  private float[] values = new float[0];
  private int[] offsets = new int[0];
  private int[] dims = new int[0];
  private boolean[] valid = new boolean[0];
  private int rows;

  /** Whether row {@code row} is NULL (skipped by every actdb aggregate). */
  public boolean isNull(int row) {
    return !valid[row];
  }

  /** Number of elements of row {@code row}'s vector. */
  public int dim(int row) {
    return dims[row];
  }

  /** Where row {@code row}'s vector starts in {@link #values()}. */
  public int offset(int row) {
    return offsets[row];
  }

  /** The backing array of all rows' elements. */
  public float[] values() {
    return values;
  }

  /** Number of rows. */
  public int rows() {
    return rows;
  }

  void load(MemorySegment vector, int rowCount, String function, String argument) {
    rows = rowCount;
    if (offsets.length < rowCount) {
      offsets = new int[rowCount];
      dims = new int[rowCount];
      valid = new boolean[rowCount];
    }
    MemorySegment type = NativeDuckDB.vectorType(vector);
    try {
      int typeId = NativeDuckDB.typeId(type);
      MemorySegment validity = NativeDuckDB.vectorValidity(vector);
      for (int r = 0; r < rowCount; r++) valid[r] = NativeDuckDB.isValid(validity, r);
      if (typeId == DuckDBCApi.TYPE_ARRAY) {
        int dim = Math.toIntExact(NativeDuckDB.arraySize(type));
        int childType = childTypeId(type, true);
        checkChildType(childType, function, argument, type);
        MemorySegment child = NativeDuckDB.arrayChild(vector);
        long total = (long) dim * rowCount;
        copyChild(child, childType, 0, total);
        for (int r = 0; r < rowCount; r++) {
          offsets[r] = r * dim;
          dims[r] = dim;
        }
        checkNoNullElements(child, function, argument);
      } else if (typeId == DuckDBCApi.TYPE_LIST) {
        int childType = childTypeId(type, false);
        checkChildType(childType, function, argument, type);
        MemorySegment entries = NativeDuckDB.vectorData(vector);
        MemorySegment child = NativeDuckDB.listChild(vector);
        long total = NativeDuckDB.listSize(vector);
        copyChild(child, childType, 0, total);
        for (int r = 0; r < rowCount; r++) {
          if (!valid[r]) continue;
          long off = entries.getAtIndex(ValueLayout.JAVA_LONG, 2L * r);
          long len = entries.getAtIndex(ValueLayout.JAVA_LONG, 2L * r + 1);
          offsets[r] = Math.toIntExact(off);
          dims[r] = Math.toIntExact(len);
        }
        checkNoNullElements(child, function, argument);
      } else if (typeId == DuckDBCApi.TYPE_SQLNULL) {
        for (int r = 0; r < rowCount; r++) valid[r] = false;
      } else {
        throw new SqlFunctionException(
            argument
                + " must be a FLOAT[d] or FLOAT[] vector, got "
                + typeName(typeId)
                + "; cast it, e.g. "
                + argument
                + "::FLOAT[]");
      }
    } finally {
      NativeDuckDB.destroyLogicalType(type);
    }
  }

  /** A readable name for the duckdb_type ids users meet most; the id otherwise. */
  private static String typeName(int typeId) {
    return switch (typeId) {
      case DuckDBCApi.TYPE_BOOLEAN -> "BOOLEAN";
      case DuckDBCApi.TYPE_TINYINT -> "TINYINT";
      case DuckDBCApi.TYPE_SMALLINT -> "SMALLINT";
      case DuckDBCApi.TYPE_INTEGER -> "INTEGER";
      case DuckDBCApi.TYPE_BIGINT -> "BIGINT";
      case DuckDBCApi.TYPE_FLOAT -> "FLOAT";
      case DuckDBCApi.TYPE_DOUBLE -> "DOUBLE";
      case DuckDBCApi.TYPE_VARCHAR -> "VARCHAR";
      case DuckDBCApi.TYPE_DECIMAL -> "DECIMAL";
      case DuckDBCApi.TYPE_LIST -> "a LIST";
      case DuckDBCApi.TYPE_STRUCT -> "a STRUCT";
      case DuckDBCApi.TYPE_ARRAY -> "an ARRAY";
      default -> "DuckDB type id " + typeId;
    };
  }

  private static int childTypeId(MemorySegment type, boolean array) {
    MemorySegment child =
        array ? NativeDuckDB.arrayChildType(type) : NativeDuckDB.listChildType(type);
    try {
      return NativeDuckDB.typeId(child);
    } finally {
      NativeDuckDB.destroyLogicalType(child);
    }
  }

  private static void checkChildType(
      int childType, String function, String argument, MemorySegment type) {
    if (childType != DuckDBCApi.TYPE_FLOAT && childType != DuckDBCApi.TYPE_DOUBLE) {
      throw new SqlFunctionException(
          argument
              + " must hold FLOAT (or DOUBLE) elements, got "
              + typeName(childType)
              + " elements"
              + "; cast it, e.g. "
              + argument
              + "::FLOAT[]");
    }
  }

  private void copyChild(MemorySegment child, int childType, long from, long count) {
    int n = Math.toIntExact(count);
    if (values.length < n) values = new float[Math.max(n, values.length + (values.length >> 1))];
    if (n == 0) return;
    MemorySegment data = NativeDuckDB.vectorData(child);
    if (childType == DuckDBCApi.TYPE_FLOAT) {
      MemorySegment.copy(data, ValueLayout.JAVA_FLOAT, from * 4, values, 0, n);
    } else {
      for (int i = 0; i < n; i++) {
        values[i] = (float) data.getAtIndex(ValueLayout.JAVA_DOUBLE, from + i);
      }
    }
  }

  private void checkNoNullElements(MemorySegment child, String function, String argument) {
    MemorySegment validity = NativeDuckDB.vectorValidity(child);
    if (validity.address() == 0) return;
    for (int r = 0; r < rows; r++) {
      if (!valid[r]) continue;
      for (int i = 0; i < dims[r]; i++) {
        if (!NativeDuckDB.isValid(validity, offsets[r] + (long) i)) {
          throw new SqlFunctionException(
              argument + " has a NULL element (position " + (i + 1) + ") in a non-NULL vector");
        }
      }
    }
  }
}
