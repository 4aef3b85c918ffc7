package io.actdb.sql.spi;

/** Thrown at a {@link Cancellation#checkpoint()} once the running query has been cancelled. */
public final class QueryCancelledException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public QueryCancelledException() {
    // No stack trace: it is a control-flow signal, thrown from hot loops on every thread.
    super("query cancelled", null, false, false);
  }
}
