package io.actdb.sql.spi;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Writes an {@link AggregateFunction}'s state as bytes and reads it back, for engines that move
 * partial states between threads of different machines (Spark ships them from the partial to the
 * final aggregation). The bytes are the state's numbers (its moments, or its kept rows), never a
 * serialized object graph; a read state merges and finalizes exactly as the written one would.
 *
 * @param <S> the state type of the aggregate
 */
public interface StateSerializer<S> {

  /** Writes {@code state} to {@code out}. */
  void write(S state, DataOutput out) throws IOException;

  /** Reads a state that {@link #write} wrote. */
  S read(DataInput in) throws IOException;
}
