package io.actdb.sql.spi;

import java.util.Objects;

/** A named, typed column of a table function's result, e.g. {@code vec FLOAT[64]}. */
public record SqlColumn(String name, SqlType type) {
  public SqlColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }

  @Override
  public String toString() {
    return name + " " + type.sql();
  }
}
