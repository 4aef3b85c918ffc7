package io.actdb.sql.cka;

import io.actdb.sql.spi.StateSerializer;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The bytes of a {@code cka} state ({@link LinearCka.State}), also the state of the CCA family: the
 * dimensions, which columns varied, then either the kept rows (a group with no more rows than
 * dimensions) or the moments, with the Gram matrix's upper triangle only ((dx + dy)(dx + dy + 1)/2
 * doubles).
 */
public final class LinearCkaStates implements StateSerializer<LinearCka.State> {
  private static final byte EMPTY = 0;
  private static final byte ROWS = 1;
  private static final byte MOMENTS = 2;

  /** Rows read back per block: bounded memory for a state of many wide rows. */
  private static final int READ_BLOCK_FLOATS = 1 << 20;

  @Override
  public void write(LinearCka.State state, DataOutput out) throws IOException {
    out.writeInt(state.dx());
    out.writeInt(state.dy());
    float[] first = state.constancy.firstRow();
    out.writeBoolean(first != null);
    if (first != null) {
      boolean[] varying = state.constancy.varying();
      out.writeInt(first.length);
      for (int k = 0; k < first.length; k++) {
        out.writeFloat(first[k]);
        out.writeBoolean(varying[k]);
      }
    }
    if (state.wide != null) {
      out.writeByte(ROWS);
      writeRows(state.wide, out);
    } else if (state.moments != null) {
      out.writeByte(MOMENTS);
      writeMoments(state.moments, out);
    } else {
      out.writeByte(EMPTY);
    }
  }

  @Override
  public LinearCka.State read(DataInput in) throws IOException {
    LinearCka.State state = new LinearCka.State();
    int dx = in.readInt();
    int dy = in.readInt();
    if (dx >= 0) state.accept(dx, dy);
    if (in.readBoolean()) {
      int dim = in.readInt();
      float[] first = new float[dim];
      boolean[] varying = new boolean[dim];
      for (int k = 0; k < dim; k++) {
        first[k] = in.readFloat();
        varying[k] = in.readBoolean();
      }
      state.constancy.restore(first, varying);
    }
    byte kind = in.readByte();
    if (kind == ROWS) state.wide = readRows(dx, dy, in);
    else if (kind == MOMENTS) state.moments = readMoments(dx, dy, in);
    return state;
  }

  private static void writeRows(WideRows rows, DataOutput out) throws IOException {
    out.writeInt(rows.n);
    int blockRows = Math.max(1, READ_BLOCK_FLOATS / rows.dz);
    float[] block = new float[blockRows * rows.dz];
    for (int from = 0; from < rows.n; ) {
      int count = rows.copyRows(from, blockRows, block);
      for (int i = 0; i < count * rows.dz; i++) out.writeFloat(block[i]);
      from += count;
    }
  }

  private static WideRows readRows(int dx, int dy, DataInput in) throws IOException {
    WideRows rows = new WideRows(dx, dy);
    int n = in.readInt();
    int dz = dx + dy;
    int blockRows = Math.max(1, READ_BLOCK_FLOATS / dz);
    float[] block = new float[Math.min(n, blockRows) * dz];
    for (int done = 0; done < n; ) {
      int count = Math.min(blockRows, n - done);
      for (int i = 0; i < count * dz; i++) block[i] = in.readFloat();
      rows.add(block, count);
      done += count;
    }
    return rows;
  }

  private static void writeMoments(CkaMoments m, DataOutput out) throws IOException {
    out.writeLong(m.n);
    for (float v : m.shift) out.writeFloat(v);
    for (double v : m.sum) out.writeDouble(v);
    for (int i = 0; i < m.dz; i++) {
      for (int j = i; j < m.dz; j++) out.writeDouble(m.gram[i * m.dz + j]);
    }
    out.writeDouble(m.sumA);
    out.writeDouble(m.sumB);
    out.writeDouble(m.sumAA);
    out.writeDouble(m.sumBB);
    out.writeDouble(m.sumAB);
    for (double v : m.sumAZ) out.writeDouble(v);
    for (double v : m.sumBZ) out.writeDouble(v);
  }

  private static CkaMoments readMoments(int dx, int dy, DataInput in) throws IOException {
    long n = in.readLong();
    float[] shift = new float[dx + dy];
    for (int k = 0; k < shift.length; k++) shift[k] = in.readFloat();
    CkaMoments m = new CkaMoments(dx, dy, shift);
    m.n = n;
    for (int k = 0; k < m.dz; k++) m.sum[k] = in.readDouble();
    for (int i = 0; i < m.dz; i++) {
      for (int j = i; j < m.dz; j++) m.gram[i * m.dz + j] = in.readDouble();
    }
    m.sumA = in.readDouble();
    m.sumB = in.readDouble();
    m.sumAA = in.readDouble();
    m.sumBB = in.readDouble();
    m.sumAB = in.readDouble();
    for (int k = 0; k < m.dz; k++) m.sumAZ[k] = in.readDouble();
    for (int k = 0; k < m.dz; k++) m.sumBZ[k] = in.readDouble();
    return m;
  }
}
