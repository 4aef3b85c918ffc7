package io.actdb.spark;

import io.actdb.sql.spi.AggregateFunction;
import io.actdb.sql.spi.SqlFunctionException;
import scala.Product;

/**
 * One group's partial aggregate on Spark: the SPI function's state and the rows not yet handed to
 * it. Spark keeps it as an object between rows and serializes it ({@link StateCodec}) only to move
 * it to the final aggregation.
 *
 * <p>Internal: Public only because Spark's generated code names the class.
 */
public final class AggregationBuffer {
  final SparkAggregate aggregate;
  final Object state;
  private PendingRows pending;

  AggregationBuffer(SparkAggregate aggregate, Object state) {
    this.aggregate = aggregate;
    this.state = state;
  }

  /** Adds one input row; hands a full chunk to the function. */
  void add(Product row) {
    if (pending == null) {
      pending = new PendingRows(aggregate.arguments.toArray(SparkAggregate.Argument[]::new));
    }
    pending.add(row);
    if (pending.full()) flush();
  }

  /** Hands the pending rows to the function's {@code update}. */
  void flush() {
    if (pending == null || pending.size() == 0) return;
    AggregateFunction<Object> function = aggregate.function();
    try {
      function.update(state, pending, pending.rowNumbers(), pending.size());
    } finally {
      pending.clear();
    }
  }

  /** Merges {@code other} (flushed here) into this buffer's state. */
  void merge(AggregationBuffer other) {
    flush();
    other.flush();
    aggregate.function().combine(other.state, state);
  }

  /** Frees the pending storage: after a flush before serialization, nothing more arrives. */
  void dropPending() {
    pending = null;
  }

  /** A user-facing failure of this buffer's function, named like DuckDB names it. */
  ActdbSparkException failure(SqlFunctionException e) {
    return new ActdbSparkException(aggregate.sqlName() + ": " + e.getMessage());
  }
}
