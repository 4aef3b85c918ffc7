package io.actdb.sql.kernels;

import static io.actdb.sql.kernels.PanamaGramKernels.FLOATS;
import static io.actdb.sql.kernels.PanamaGramKernels.TI;
import static io.actdb.sql.kernels.PanamaGramKernels.TJ;
import static io.actdb.sql.kernels.PanamaGramKernels.VECTORS_PER_ROW;

import jdk.incubator.vector.FloatVector;

/**
 * The float32 register-tiled microkernels, shared by {@link PanamaGramKernels} (column Grams) and
 * {@link PanamaDistanceKernels} (dot products between points): both multiply a <em>sliver</em> of
 * {@link PanamaGramKernels#TI} values per step by a packed <em>panel</em> of {@link
 * PanamaGramKernels#TJ} values per step.
 *
 * <p>Each output element is one float32 FMA chain over the steps, in step order, starting from
 * zero: exactly what {@code acc = Math.fma(sliver, panel, acc)} gives, lane by lane.
 */
final class FloatTiles {
  private FloatTiles() {}

  /**
   * Writes the {@code TI x TJ} tile {@code out[outOff + ii * outStride + jj] = Σ_r sliver[r * TI +
   * ii] * panels[panel + r * TJ + jj]} over {@code 0 <= r < kc}, with the widest tile the CPU's
   * registers hold.
   */
  static void tile(
      float[] sliver, float[] panels, int panel, int kc, float[] out, int outOff, int outStride) {
    if (VECTORS_PER_ROW == 4) {
      tile6x4(sliver, panels, panel, kc, out, outOff, outStride);
    } else {
      tile6x2(sliver, panels, panel, kc, out, outOff, outStride);
    }
  }

  /**
   * The 32-register microkernel: a tile of 6 rows by 4 vectors (6 x 64 floats with AVX-512) of
   * float32 sums over {@code kc} rows, kept in 24 registers for the whole run. Per row it loads 4
   * panel vectors and broadcasts 6 sliver floats for 24 FMAs, so the FMA units, not the loads, set
   * the pace; the 24 independent accumulator chains cover the FMA latency several times over. Tile
   * row {@code ii} is stored at {@code out[outOff + ii * outStride]}.
   */
  static void tile6x4(
      float[] sliver, float[] panels, int panel, int kc, float[] out, int outOff, int outStride) {
    final int l = FLOATS.length();
    FloatVector c00 = FloatVector.zero(FLOATS), c01 = c00, c02 = c00, c03 = c00;
    FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
    FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
    FloatVector c50 = c00, c51 = c00, c52 = c00, c53 = c00;
    for (int r = 0; r < kc; r++) {
      int b = panel + r * TJ;
      int a = r * TI;
      FloatVector b0 = FloatVector.fromArray(FLOATS, panels, b);
      FloatVector b1 = FloatVector.fromArray(FLOATS, panels, b + l);
      FloatVector b2 = FloatVector.fromArray(FLOATS, panels, b + 2 * l);
      FloatVector b3 = FloatVector.fromArray(FLOATS, panels, b + 3 * l);
      FloatVector x = FloatVector.broadcast(FLOATS, sliver[a]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      c02 = x.fma(b2, c02);
      c03 = x.fma(b3, c03);
      x = FloatVector.broadcast(FLOATS, sliver[a + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      c12 = x.fma(b2, c12);
      c13 = x.fma(b3, c13);
      x = FloatVector.broadcast(FLOATS, sliver[a + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      c22 = x.fma(b2, c22);
      c23 = x.fma(b3, c23);
      x = FloatVector.broadcast(FLOATS, sliver[a + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      c32 = x.fma(b2, c32);
      c33 = x.fma(b3, c33);
      x = FloatVector.broadcast(FLOATS, sliver[a + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      c42 = x.fma(b2, c42);
      c43 = x.fma(b3, c43);
      x = FloatVector.broadcast(FLOATS, sliver[a + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
      c52 = x.fma(b2, c52);
      c53 = x.fma(b3, c53);
    }
    int o = outOff;
    c00.intoArray(out, o);
    c01.intoArray(out, o + l);
    c02.intoArray(out, o + 2 * l);
    c03.intoArray(out, o + 3 * l);
    o += outStride;
    c10.intoArray(out, o);
    c11.intoArray(out, o + l);
    c12.intoArray(out, o + 2 * l);
    c13.intoArray(out, o + 3 * l);
    o += outStride;
    c20.intoArray(out, o);
    c21.intoArray(out, o + l);
    c22.intoArray(out, o + 2 * l);
    c23.intoArray(out, o + 3 * l);
    o += outStride;
    c30.intoArray(out, o);
    c31.intoArray(out, o + l);
    c32.intoArray(out, o + 2 * l);
    c33.intoArray(out, o + 3 * l);
    o += outStride;
    c40.intoArray(out, o);
    c41.intoArray(out, o + l);
    c42.intoArray(out, o + 2 * l);
    c43.intoArray(out, o + 3 * l);
    o += outStride;
    c50.intoArray(out, o);
    c51.intoArray(out, o + l);
    c52.intoArray(out, o + 2 * l);
    c53.intoArray(out, o + 3 * l);
  }

  /** {@link #tile6x4} for 16-register machines (AVX2, SSE): a 6 x 2-vector tile. */
  static void tile6x2(
      float[] sliver, float[] panels, int panel, int kc, float[] out, int outOff, int outStride) {
    final int l = FLOATS.length();
    FloatVector c00 = FloatVector.zero(FLOATS), c01 = c00;
    FloatVector c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00;
    FloatVector c30 = c00, c31 = c00;
    FloatVector c40 = c00, c41 = c00;
    FloatVector c50 = c00, c51 = c00;
    for (int r = 0; r < kc; r++) {
      int b = panel + r * TJ;
      int a = r * TI;
      FloatVector b0 = FloatVector.fromArray(FLOATS, panels, b);
      FloatVector b1 = FloatVector.fromArray(FLOATS, panels, b + l);
      FloatVector x = FloatVector.broadcast(FLOATS, sliver[a]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(FLOATS, sliver[a + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(FLOATS, sliver[a + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(FLOATS, sliver[a + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(FLOATS, sliver[a + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(FLOATS, sliver[a + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    int o = outOff;
    c00.intoArray(out, o);
    c01.intoArray(out, o + l);
    o += outStride;
    c10.intoArray(out, o);
    c11.intoArray(out, o + l);
    o += outStride;
    c20.intoArray(out, o);
    c21.intoArray(out, o + l);
    o += outStride;
    c30.intoArray(out, o);
    c31.intoArray(out, o + l);
    o += outStride;
    c40.intoArray(out, o);
    c41.intoArray(out, o + l);
    o += outStride;
    c50.intoArray(out, o);
    c51.intoArray(out, o + l);
  }
}
