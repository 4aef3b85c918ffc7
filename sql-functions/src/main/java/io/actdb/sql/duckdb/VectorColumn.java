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
                + "; "
                + castHint(typeId, argument));
      }
    } finally {
      NativeDuckDB.destroyLogicalType(type);
    }
  }

  /** The SQL name of a duckdb_type id (duckdb.h, DuckDB 2.0), with an article where it reads so. */
  static String typeName(int typeId) {
    return switch (typeId) {
      case DuckDBCApi.TYPE_BOOLEAN -> "BOOLEAN";
      case DuckDBCApi.TYPE_TINYINT -> "TINYINT";
      case DuckDBCApi.TYPE_SMALLINT -> "SMALLINT";
      case DuckDBCApi.TYPE_INTEGER -> "INTEGER";
      case DuckDBCApi.TYPE_BIGINT -> "BIGINT";
      case 6 -> "UTINYINT";
      case 7 -> "USMALLINT";
      case 8 -> "UINTEGER";
      case 9 -> "UBIGINT";
      case DuckDBCApi.TYPE_FLOAT -> "FLOAT";
      case DuckDBCApi.TYPE_DOUBLE -> "DOUBLE";
      case 12 -> "TIMESTAMP";
      case 13 -> "DATE";
      case 14 -> "TIME";
      case 15 -> "INTERVAL";
      case 16 -> "HUGEINT";
      case DuckDBCApi.TYPE_VARCHAR -> "VARCHAR";
      case 18 -> "BLOB";
      case DuckDBCApi.TYPE_DECIMAL -> "DECIMAL";
      case 20 -> "TIMESTAMP_S";
      case 21 -> "TIMESTAMP_MS";
      case 22 -> "TIMESTAMP_NS";
      case 23 -> "an ENUM";
      case DuckDBCApi.TYPE_LIST -> "a LIST";
      case DuckDBCApi.TYPE_STRUCT -> "a STRUCT";
      case DuckDBCApi.TYPE_MAP -> "a MAP";
      case 27 -> "UUID";
      case DuckDBCApi.TYPE_UNION -> "a UNION";
      case 29 -> "BIT";
      case 30 -> "TIME WITH TIME ZONE";
      case 31 -> "TIMESTAMP WITH TIME ZONE";
      case 32 -> "UHUGEINT";
      case DuckDBCApi.TYPE_ARRAY -> "an ARRAY";
      case 35 -> "BIGNUM";
      case 39 -> "TIME_NS";
      case 40 -> "GEOMETRY";
      case 41 -> "VARIANT";
      default -> "a type this version of actdb does not know (DuckDB type id " + typeId + ")";
    };
  }

  /** How to turn a value of a nested type into a float vector, e.g. for a MAP its values. */
  private static String castHint(int typeId, String argument) {
    return switch (typeId) {
      case DuckDBCApi.TYPE_MAP -> "pass its values or keys, e.g. map_values(" + argument + ")::FLOAT[]";
      case DuckDBCApi.TYPE_UNION ->
          "pass one member, e.g. union_extract(" + argument + ", 'tag')::FLOAT[] with the tag's name";
      case DuckDBCApi.TYPE_STRUCT ->
          "pass one field, e.g. struct_extract(" + argument + ", 'field')::FLOAT[]";
      default -> "cast it, e.g. " + argument + "::FLOAT[]";
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
