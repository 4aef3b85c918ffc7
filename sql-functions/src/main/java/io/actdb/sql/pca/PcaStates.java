package io.actdb.sql.pca;

import io.actdb.sql.spi.StateSerializer;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The bytes of a {@code pca} state: the dimension and k, then the moments with the Gram matrix's
 * upper triangle only (d(d + 1)/2 doubles).
 */
public final class PcaStates implements StateSerializer<Pca.State> {

  @Override
  public void write(Pca.State state, DataOutput out) throws IOException {
    out.writeInt(state.dim);
    out.writeLong(state.k);
    SecondMoments m = state.moments;
    out.writeBoolean(m != null);
    if (m == null) return;
    out.writeLong(m.n);
    for (float v : m.shift) out.writeFloat(v);
    for (double v : m.sum) out.writeDouble(v);
    for (int i = 0; i < m.dim; i++) {
      for (int j = i; j < m.dim; j++) out.writeDouble(m.gram[i * m.dim + j]);
    }
  }

  @Override
  public Pca.State read(DataInput in) throws IOException {
    Pca.State state = new Pca.State();
    state.dim = in.readInt();
    state.k = in.readLong();
    if (!in.readBoolean()) return state;
    long n = in.readLong();
    float[] shift = new float[state.dim];
    for (int k = 0; k < shift.length; k++) shift[k] = in.readFloat();
    SecondMoments m = new SecondMoments(state.dim, shift);
    m.n = n;
    for (int k = 0; k < m.dim; k++) m.sum[k] = in.readDouble();
    for (int i = 0; i < m.dim; i++) {
      for (int j = i; j < m.dim; j++) m.gram[i * m.dim + j] = in.readDouble();
    }
    state.moments = m;
    return state;
  }
}
