package io.actdb.sql.duckdb;

import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import java.lang.foreign.MemorySegment;

/** Maps the engine-neutral {@link SqlType}s to DuckDB's type ids and logical types. */
final class LogicalTypes {
  private LogicalTypes() {}

  /** The duckdb_type id of a type without parameters. */
  static int typeId(SqlType.Simple type) {
    return switch (type.sqlName()) {
      case "ANY" -> DuckDBCApi.TYPE_ANY;
      case "BOOLEAN" -> DuckDBCApi.TYPE_BOOLEAN;
      case "TINYINT" -> DuckDBCApi.TYPE_TINYINT;
      case "SMALLINT" -> DuckDBCApi.TYPE_SMALLINT;
      case "INTEGER" -> DuckDBCApi.TYPE_INTEGER;
      case "BIGINT" -> DuckDBCApi.TYPE_BIGINT;
      case "FLOAT" -> DuckDBCApi.TYPE_FLOAT;
      case "DOUBLE" -> DuckDBCApi.TYPE_DOUBLE;
      case "VARCHAR" -> DuckDBCApi.TYPE_VARCHAR;
      default ->
          throw new IllegalArgumentException(
              "the DuckDB bridge has no type " + type.sqlName() + " (declared by a function)");
    };
  }

  /** Creates the native logical type of {@code type}; the caller destroys it. */
  static MemorySegment create(SqlType type) {
    return switch (type) {
      case SqlType.Simple s -> NativeDuckDB.createLogicalType(typeId(s));
      case SqlType.ListOf l -> {
        MemorySegment child = create(l.child());
        try {
          yield NativeDuckDB.createListType(child);
        } finally {
          NativeDuckDB.destroyLogicalType(child);
        }
      }
      case SqlType.ArrayOf a -> {
        MemorySegment child = create(a.child());
        try {
          MemorySegment array = NativeDuckDB.createArrayType(child, a.size());
          // DuckDB answers NULL rather than an error for sizes it does not support.
          if (array.address() == 0)
            throw new SqlFunctionException(
                "DuckDB cannot make the type "
                    + a.sql()
                    + ": its C API makes arrays of at most "
                    + SqlType.MAX_ARRAY_SIZE
                    + " elements (use FLOAT[] for wider vectors)");
          yield array;
        } finally {
          NativeDuckDB.destroyLogicalType(child);
        }
      }
      case SqlType.Struct st -> {
        MemorySegment[] types = new MemorySegment[st.fields().size()];
        String[] names = new String[types.length];
        try {
          for (int i = 0; i < types.length; i++) {
            types[i] = create(st.fields().get(i).type());
            names[i] = st.fields().get(i).name();
          }
          yield NativeDuckDB.createStructType(types, names);
        } finally {
          for (MemorySegment t : types) if (t != null) NativeDuckDB.destroyLogicalType(t);
        }
      }
    };
  }
}
