package io.actdb.sql.spi;

import java.util.List;

/**
 * A SQL aggregate implemented in Java, run by an engine bridge (for DuckDB, {@code
 * io.actdb.sql.duckdb.AggregateBridge}).
 *
 * <p>DuckDB calls these methods on its worker threads, several at once, but never on the same state
 * from two threads at once. States are plain Java objects; the bridge keeps them alive from the
 * first row a group sees until DuckDB destroys the group.
 *
 * @param <S> the per-group state
 */
public interface AggregateFunction<S> {

  /** SQL name, e.g. {@code cka}. */
  String name();

  /** Parameter lists of the overloads (one per arity). */
  List<List<SqlType>> overloads();

  /** The result type, the same for every overload. */
  SqlType returnType();

  /** A new, empty state. */
  S newState();

  /**
   * Adds rows {@code rows[0..count)} of {@code input} to {@code state}, in row order.
   *
   * @throws SqlFunctionException for bad input; the query then fails with that message
   */
  void update(S state, InputChunk input, int[] rows, int count);

  /** Merges {@code source} into {@code target}; {@code source} must stay usable afterwards. */
  void combine(S source, S target);

  /** Writes the result of {@code state} (null: the group saw no rows) to {@code out}. */
  void finalize(S state, ResultWriter out);
}
