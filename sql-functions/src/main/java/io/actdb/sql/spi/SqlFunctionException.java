package io.actdb.sql.spi;

/**
 * A user-facing failure inside an actdb SQL function (bad input, unsupported type, size limit). The
 * engine bridge turns it into a SQL error whose message starts with the function's name.
 */
public final class SqlFunctionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SqlFunctionException(String message) {
    super(message, null, false, false);
  }
}
