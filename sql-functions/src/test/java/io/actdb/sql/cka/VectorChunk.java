package io.actdb.sql.cka;

import io.actdb.sql.spi.InputChunk;

/** A test chunk of vector columns only: the scalar column kinds are not there to read. */
interface VectorChunk extends InputChunk {
  @Override
  default DoubleColumn doubles(int column) {
    throw new UnsupportedOperationException();
  }

  @Override
  default BooleanColumn booleans(int column) {
    throw new UnsupportedOperationException();
  }

  @Override
  default LongColumn longs(int column) {
    throw new UnsupportedOperationException();
  }
}
