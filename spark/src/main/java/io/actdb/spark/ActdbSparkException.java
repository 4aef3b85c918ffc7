package io.actdb.spark;

/**
 * A user-facing failure of an actdb function on Spark, its message as DuckDB words it ({@code cka:
 * dimension mismatch: ...}).
 */
public final class ActdbSparkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ActdbSparkException(String message) {
    super(message, null, false, false);
  }

  @Override
  public String toString() {
    // Spark quotes a task's failure by toString: the message alone, without the class name.
    return getMessage();
  }
}
