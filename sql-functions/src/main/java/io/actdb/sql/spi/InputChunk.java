package io.actdb.sql.spi;

/**
 * The argument columns of one {@link AggregateFunction#update} call, as the engine hands them over.
 * Valid only during that call: an engine may reuse or free what it reads from once the call
 * returns, so keep copies, never the columns.
 */
public interface InputChunk {

  /** Number of argument columns: tells the overloads of one function apart. */
  int columnCount();

  /** Number of rows in this chunk. */
  int size();

  /**
   * Column {@code column} as float vectors: accepts {@code FLOAT[d]}, {@code FLOAT[]}, {@code
   * DOUBLE[d]} and {@code DOUBLE[]} (doubles are rounded to float).
   *
   * @param argumentName how error messages name the argument, e.g. {@code "x"}
   * @throws SqlFunctionException when the column holds no float vectors, or a NULL element
   */
  VectorColumn vectors(int column, String argumentName);

  /**
   * Column {@code column} as lists of float vectors: a LIST whose elements are {@code FLOAT[d]},
   * {@code FLOAT[]} or their DOUBLE twins.
   *
   * @param argumentName how error messages name the argument, e.g. {@code "vecs"}
   * @throws SqlFunctionException when the column holds no lists of float vectors, or a NULL element
   *     inside a vector
   */
  default VectorListColumn vectorLists(int column, String argumentName) {
    throw new SqlFunctionException(argumentName + ": lists of vectors are not supported here");
  }

  /** Column {@code column}, declared DOUBLE, as a scalar column. */
  DoubleColumn doubles(int column);

  /** Column {@code column}, declared BOOLEAN. */
  BooleanColumn booleans(int column);

  /** Column {@code column}, declared BIGINT. */
  LongColumn longs(int column);

  /** A DOUBLE argument column. */
  interface DoubleColumn {
    boolean isNull(int row);

    double get(int row);
  }

  /** A BOOLEAN argument column. */
  interface BooleanColumn {
    boolean isNull(int row);

    boolean get(int row);
  }

  /** A BIGINT argument column. */
  interface LongColumn {
    boolean isNull(int row);

    long get(int row);
  }
}
