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

  /**
   * The message of a failure found while the buffer was being serialized (its last rows reach the
   * function only then): Spark would bury an exception thrown there under an encoding error, so the
   * failure travels with the state and is raised by the merge or finish that reads it.
   */
  String deferredFailure;

  AggregationBuffer(SparkAggregate aggregate, Object state) {
    this.aggregate = aggregate;
    this.state = state;
  }

  /** Adds one input row; hands a full chunk to the function. */
  void add(Product row) {
    if (pending == null) {
      pending = PendingRows.take(aggregate);
    }
    pending.add(row);
    if (pending.full()) flush();
  }

  /** Hands the pending rows to the function's {@code update}. */
  void flush() {
    if (pending == null || pending.size() == 0) return;
    AggregateFunction<Object> function = aggregate.function();
    PendingRows rows = pending;
    try {
      TaskCores.run(() -> function.update(state, rows, rows.rowNumbers(), rows.size()));
    } finally {
      // A task holds many groups at once: a group keeps no row storage between chunks; the
      // thread keeps one spare for the next chunk.
      pending = null;
      rows.recycle();
    }
  }

  /** Merges {@code other} (flushed here) into this buffer's state. */
  void merge(AggregationBuffer other) {
    raiseFailure();
    other.raiseFailure();
    flush();
    other.flush();
    TaskCores.run(() -> aggregate.function().combine(other.state, state));
  }

  /** Throws the failure this buffer carries, if any. */
  void raiseFailure() {
    if (deferredFailure != null) throw new ActdbSparkException(deferredFailure);
  }

  /** Frees the pending storage: after a flush before serialization, nothing more arrives. */
  void dropPending() {
    pending = null;
  }

  /** A user-facing failure of this buffer's function, named like DuckDB names it. */
  ActdbSparkException failure(SqlFunctionException e) {
    return new ActdbSparkException(message(e));
  }

  /** The message of {@code e} as DuckDB gives it: the function's name first. */
  String message(SqlFunctionException e) {
    return aggregate.sqlName() + ": " + e.getMessage();
  }
}
