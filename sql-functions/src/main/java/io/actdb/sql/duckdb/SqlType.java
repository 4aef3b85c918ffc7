package io.actdb.sql.duckdb;

import java.lang.foreign.MemorySegment;
import java.util.List;

/** The DuckDB types actdb functions declare for their parameters and results. */
public sealed interface SqlType {

  /** A type with a fixed duckdb_type id and no parameters. */
  record Simple(int typeId, String sqlName) implements SqlType {}

  /** A STRUCT with named fields, in order. */
  record Struct(List<Field> fields) implements SqlType {}

  /** A LIST of a child type. */
  record ListOf(SqlType child) implements SqlType {}

  /** One field of a {@link Struct}. */
  record Field(String name, SqlType type) {}

  /** Any type: the function inspects the actual vector type itself (used for vectors). */
  SqlType ANY = new Simple(DuckDBCApi.TYPE_ANY, "ANY");

  SqlType DOUBLE = new Simple(DuckDBCApi.TYPE_DOUBLE, "DOUBLE");
  SqlType BIGINT = new Simple(DuckDBCApi.TYPE_BIGINT, "BIGINT");
  SqlType BOOLEAN = new Simple(DuckDBCApi.TYPE_BOOLEAN, "BOOLEAN");

  /** Creates the native logical type; the caller destroys it. */
  default MemorySegment toLogicalType() {
    return switch (this) {
      case Simple s -> NativeDuckDB.createLogicalType(s.typeId());
      case ListOf l -> {
        MemorySegment child = l.child().toLogicalType();
        try {
          yield NativeDuckDB.createListType(child);
        } finally {
          NativeDuckDB.destroyLogicalType(child);
        }
      }
      case Struct st -> {
        MemorySegment[] types = new MemorySegment[st.fields().size()];
        String[] names = new String[types.length];
        try {
          for (int i = 0; i < types.length; i++) {
            types[i] = st.fields().get(i).type().toLogicalType();
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
