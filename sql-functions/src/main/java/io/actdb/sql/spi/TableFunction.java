package io.actdb.sql.spi;

import java.util.List;

/**
 * A SQL table function implemented in Java, run by an engine bridge (for DuckDB, {@code
 * io.actdb.sql.duckdb.TableFunctionBridge}), e.g. {@code read_arrow_file(path)}.
 *
 * <p>A query goes through three stages, each with its own object: {@link #bind} (once per query
 * plan, on the client thread) returns a {@link BoundScan} that fixes the result columns; {@link
 * BoundScan#start} (once per execution) returns the shared {@link ScanTask}; each DuckDB worker
 * thread then pulls chunks from its own {@link TableScanner}. DuckDB closes each object when it
 * drops the matching native state.
 */
public interface TableFunction {

  /** SQL name, e.g. {@code read_arrow_file}. */
  String name();

  /**
   * Positional parameter types; {@link SqlType#VARCHAR} and {@link SqlType#BIGINT} are supported.
   */
  List<SqlType> parameters();

  /**
   * Optional parameters given by name ({@code name := value}), of the types {@link #parameters()}
   * supports; none by default.
   */
  default List<SqlColumn> namedParameters() {
    return List.of();
  }

  /**
   * Binds one call: checks the arguments and fixes the result columns.
   *
   * @param arguments one per parameter, then one per {@link #namedParameters()} in their order: a
   *     {@link String} for VARCHAR, a {@link Long} for BIGINT, null for SQL NULL or a named
   *     parameter the call left out
   * @throws SqlFunctionException for bad arguments; the query fails with that message
   */
  BoundScan bind(List<Object> arguments);
}
