package io.actdb.sql.duckdb;

/**
 * A user-facing failure inside an actdb SQL function (bad input, unsupported type, size limit).
 * The bridge turns it into a DuckDB error whose message starts with the function's name.
 */
public final class SqlFunctionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SqlFunctionException(String message) {
    super(message, null, false, false);
  }
}
