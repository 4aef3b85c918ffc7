package io.actdb.sql.duckdb;

import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.VectorColumn;
import io.actdb.sql.spi.VectorListColumn;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Copies DuckDB vectors of float vectors ({@code FLOAT[d]}, {@code FLOAT[]} and their DOUBLE twins)
 * into a {@link VectorColumn}, the plain-array form the aggregates read.
 */
final class DuckDBVectors {
  private DuckDBVectors() {}

  /**
   * Loads {@code rowCount} rows of {@code vector} into {@code target}.
   *
   * @param argument how error messages name the argument, e.g. {@code "x"}
   * @throws SqlFunctionException when the vector holds no float vectors, or a NULL element
   */
  static void load(VectorColumn target, MemorySegment vector, int rowCount, String argument) {
    MemorySegment type = NativeDuckDB.vectorType(vector);
    try {
      int typeId = NativeDuckDB.typeId(type);
      MemorySegment validity = NativeDuckDB.vectorValidity(vector);
      if (typeId == DuckDBCApi.TYPE_ARRAY) {
        int dim = Math.toIntExact(NativeDuckDB.arraySize(type));
        int childType = childTypeId(type, true);
        checkChildType(childType, argument);
        MemorySegment child = NativeDuckDB.arrayChild(vector);
        int total = Math.toIntExact((long) dim * rowCount);
        copyChild(child, childType, target.reset(rowCount, total), total);
        for (int r = 0; r < rowCount; r++) {
          if (NativeDuckDB.isValid(validity, r)) target.setRow(r, r * dim, dim);
        }
        checkNoNullElements(target, child, argument);
      } else if (typeId == DuckDBCApi.TYPE_LIST) {
        int childType = childTypeId(type, false);
        checkChildType(childType, argument);
        MemorySegment entries = NativeDuckDB.vectorData(vector);
        MemorySegment child = NativeDuckDB.listChild(vector);
        int total = Math.toIntExact(NativeDuckDB.listSize(vector));
        copyChild(child, childType, target.reset(rowCount, total), total);
        for (int r = 0; r < rowCount; r++) {
          if (!NativeDuckDB.isValid(validity, r)) continue;
          long off = entries.getAtIndex(ValueLayout.JAVA_LONG, 2L * r);
          long len = entries.getAtIndex(ValueLayout.JAVA_LONG, 2L * r + 1);
          target.setRow(r, Math.toIntExact(off), Math.toIntExact(len));
        }
        checkNoNullElements(target, child, argument);
      } else if (typeId == DuckDBCApi.TYPE_SQLNULL) {
        target.reset(rowCount, 0);
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

  /**
   * Loads {@code rowCount} rows of {@code vector}, a LIST of float vectors, into {@code target}:
   * the vectors of all rows through {@link #load}, then each row's run of them.
   *
   * @param argument how error messages name the argument, e.g. {@code "vecs"}
   * @throws SqlFunctionException when the vector holds no lists of float vectors
   */
  static void loadLists(
      VectorListColumn target, MemorySegment vector, int rowCount, String argument) {
    MemorySegment type = NativeDuckDB.vectorType(vector);
    try {
      int typeId = NativeDuckDB.typeId(type);
      if (typeId == DuckDBCApi.TYPE_SQLNULL) {
        target.reset(rowCount);
        return;
      }
      if (typeId != DuckDBCApi.TYPE_LIST) {
        throw new SqlFunctionException(
            argument
                + " must be a list of vectors (FLOAT[d][] or FLOAT[][]), got "
                + typeName(typeId)
                + "; build it with list(vec ORDER BY layer) over a GROUP BY sample_id");
      }
      MemorySegment entries = NativeDuckDB.vectorData(vector);
      MemorySegment validity = NativeDuckDB.vectorValidity(vector);
      int total = Math.toIntExact(NativeDuckDB.listSize(vector));
      load(target.vectors(), NativeDuckDB.listChild(vector), total, argument + "'s elements");
      target.reset(rowCount);
      for (int r = 0; r < rowCount; r++) {
        if (!NativeDuckDB.isValid(validity, r)) continue;
        long off = entries.getAtIndex(ValueLayout.JAVA_LONG, 2L * r);
        long len = entries.getAtIndex(ValueLayout.JAVA_LONG, 2L * r + 1);
        target.setRow(r, Math.toIntExact(off), Math.toIntExact(len));
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
      case DuckDBCApi.TYPE_MAP ->
          "pass its values or keys, e.g. map_values(" + argument + ")::FLOAT[]";
      case DuckDBCApi.TYPE_UNION ->
          "pass one member, e.g. union_extract("
              + argument
              + ", 'tag')::FLOAT[] with the tag's name";
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

  private static void checkChildType(int childType, String argument) {
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

  private static void copyChild(MemorySegment child, int childType, float[] values, int count) {
    if (count == 0) return;
    MemorySegment data = NativeDuckDB.vectorData(child);
    if (childType == DuckDBCApi.TYPE_FLOAT) {
      MemorySegment.copy(data, ValueLayout.JAVA_FLOAT, 0, values, 0, count);
    } else {
      for (int i = 0; i < count; i++) {
        values[i] = (float) data.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
      }
    }
  }

  private static void checkNoNullElements(
      VectorColumn column, MemorySegment child, String argument) {
    MemorySegment validity = NativeDuckDB.vectorValidity(child);
    if (validity.address() == 0) return;
    for (int r = 0; r < column.rows(); r++) {
      if (column.isNull(r)) continue;
      for (int i = 0; i < column.dim(r); i++) {
        if (!NativeDuckDB.isValid(validity, column.offset(r) + (long) i)) {
          throw new SqlFunctionException(
              argument + " has a NULL element (position " + (i + 1) + ") in a non-NULL vector");
        }
      }
    }
  }
}
