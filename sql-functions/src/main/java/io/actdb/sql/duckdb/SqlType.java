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

  /** A fixed-size ARRAY of {@code size} child values, e.g. {@code FLOAT[64]}. */
  record ArrayOf(SqlType child, int size) implements SqlType {
    public ArrayOf {
      if (size < 1) throw new IllegalArgumentException("array size must be positive: " + size);
    }
  }

  /** One field of a {@link Struct}. */
  record Field(String name, SqlType type) {}

  /** Any type: the function inspects the actual vector type itself (used for vectors). */
  SqlType ANY = new Simple(DuckDBCApi.TYPE_ANY, "ANY");

  SqlType DOUBLE = new Simple(DuckDBCApi.TYPE_DOUBLE, "DOUBLE");
  SqlType BIGINT = new Simple(DuckDBCApi.TYPE_BIGINT, "BIGINT");
  SqlType BOOLEAN = new Simple(DuckDBCApi.TYPE_BOOLEAN, "BOOLEAN");
  SqlType TINYINT = new Simple(DuckDBCApi.TYPE_TINYINT, "TINYINT");
  SqlType SMALLINT = new Simple(DuckDBCApi.TYPE_SMALLINT, "SMALLINT");
  SqlType INTEGER = new Simple(DuckDBCApi.TYPE_INTEGER, "INTEGER");
  SqlType FLOAT = new Simple(DuckDBCApi.TYPE_FLOAT, "FLOAT");
  SqlType VARCHAR = new Simple(DuckDBCApi.TYPE_VARCHAR, "VARCHAR");

  /** {@code FLOAT[size]}: one fixed-size activation vector per row. */
  static SqlType floatArray(int size) {
    return new ArrayOf(FLOAT, size);
  }

  /** {@code FLOAT[]}: a variable-length float list per row. */
  SqlType FLOAT_LIST = new ListOf(FLOAT);

  /** The type as DuckDB's {@code typeof} spells it, e.g. {@code FLOAT[64]} or {@code BIGINT}. */
  default String sql() {
    return switch (this) {
      case Simple s -> s.sqlName();
      case ListOf l -> l.child().sql() + "[]";
      case ArrayOf a -> a.child().sql() + "[" + a.size() + "]";
      case Struct st -> {
        StringBuilder b = new StringBuilder("STRUCT(");
        for (int i = 0; i < st.fields().size(); i++) {
          if (i > 0) b.append(", ");
          b.append(st.fields().get(i).name()).append(' ').append(st.fields().get(i).type().sql());
        }
        yield b.append(')').toString();
      }
    };
  }

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
      case ArrayOf a -> {
        MemorySegment child = a.child().toLogicalType();
        try {
          yield NativeDuckDB.createArrayType(child, a.size());
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
