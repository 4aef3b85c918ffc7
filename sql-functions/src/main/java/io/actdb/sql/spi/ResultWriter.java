package io.actdb.sql.spi;

/**
 * Where {@link AggregateFunction#finalize} writes one group's result: a DOUBLE, FLOAT or BIGINT
 * value, a STRUCT through {@link #field}, or a LIST through {@link #list}.
 *
 * <p>A writer points at one result row. Field and element writers are reused: each call to {@link
 * #field} or {@link #listElement} moves them, so write through one before asking for the next.
 */
public interface ResultWriter {

  /** Writes a DOUBLE value. */
  void setDouble(double value);

  /** Writes a DOUBLE value, or SQL NULL for {@code null}. */
  default void setDouble(Double value) {
    if (value == null) setNull();
    else setDouble(value.doubleValue());
  }

  /** Writes a FLOAT value. */
  void setFloat(float value);

  /** Writes a BIGINT value. */
  void setLong(long value);

  /**
   * Writes SQL NULL. For a STRUCT this row's fields must be written too (NULL or not): an engine
   * may read the fields of a NULL struct row.
   */
  void setNull();

  /** The writer of field {@code index} of this STRUCT row. */
  ResultWriter field(int index);

  /**
   * Makes this row a LIST of {@code length} elements; write element {@code i} through {@link
   * #listElement listElement(i)}.
   */
  void list(int length);

  /** The writer of element {@code index} of the list {@link #list} made of this row. */
  ResultWriter listElement(int index);
}
