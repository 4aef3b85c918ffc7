package io.actdb.sql.spi;

import java.util.List;

/**
 * The SQL types actdb functions declare for their parameters and results. Engine-neutral: an engine
 * bridge maps each to its own type (the DuckDB bridge to a {@code duckdb_logical_type}).
 */
public sealed interface SqlType {

  /** A type without parameters, named as SQL spells it, e.g. {@code BIGINT}. */
  record Simple(String sqlName) implements SqlType {}

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
  SqlType ANY = new Simple("ANY");

  SqlType DOUBLE = new Simple("DOUBLE");
  SqlType BIGINT = new Simple("BIGINT");
  SqlType BOOLEAN = new Simple("BOOLEAN");
  SqlType TINYINT = new Simple("TINYINT");
  SqlType SMALLINT = new Simple("SMALLINT");
  SqlType INTEGER = new Simple("INTEGER");
  SqlType FLOAT = new Simple("FLOAT");
  SqlType VARCHAR = new Simple("VARCHAR");

  /** {@code FLOAT[size]}: one fixed-size activation vector per row. */
  static SqlType floatArray(int size) {
    return new ArrayOf(FLOAT, size);
  }

  /**
   * The largest ARRAY DuckDB's C API makes: {@code duckdb_create_array_type} refuses 100 000
   * elements or more (it returns no type), though SQL itself accepts {@code FLOAT[100000]}.
   */
  int MAX_ARRAY_SIZE = 99_999;

  /**
   * A vector column of {@code dim} floats: {@code FLOAT[dim]} up to {@link #MAX_ARRAY_SIZE}, {@code
   * FLOAT[]} beyond it (a flattened convolutional layer can be wider), which every actdb aggregate
   * reads the same way.
   */
  static SqlType floatVector(int dim) {
    return dim <= MAX_ARRAY_SIZE ? floatArray(dim) : FLOAT_LIST;
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
}
