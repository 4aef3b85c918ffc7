package io.actdb.sql.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.actdb.sql.cca.CcaFamily;
import io.actdb.sql.cca.CcaFamilyStates;
import io.actdb.sql.cka.LinearCka;
import io.actdb.sql.cka.LinearCkaStates;
import io.actdb.sql.pca.Pca;
import io.actdb.sql.pca.PcaStates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A state written and read back by its {@link StateSerializer} finalizes and merges exactly as the
 * original: for states that keep their rows (no more rows than dimensions) and for states of
 * moments, with a large common offset, and for an empty state.
 */
class StateSerializerTest {
  static final int DX = 7;
  static final int DY = 4;

  /** Rows {@code x, y} (and k = 3 for pca) as an engine would hand them over. */
  static InputChunk chunk(int rows, long seed) {
    Random random = new Random(seed);
    VectorColumn x = new VectorColumn();
    VectorColumn y = new VectorColumn();
    float[] xs = x.reset(rows, rows * DX);
    float[] ys = y.reset(rows, rows * DY);
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < DX; k++) xs[r * DX + k] = 500f + (float) random.nextGaussian();
      for (int k = 0; k < DY; k++) {
        ys[r * DY + k] = xs[r * DX + k] - 500f + 0.5f * (float) random.nextGaussian();
      }
      x.setRow(r, r * DX, DX);
      y.setRow(r, r * DY, DY);
    }
    return new InputChunk() {
      @Override
      public int columnCount() {
        return 2;
      }

      @Override
      public int size() {
        return rows;
      }

      @Override
      public VectorColumn vectors(int column, String argumentName) {
        return column == 0 ? x : y;
      }

      @Override
      public DoubleColumn doubles(int column) {
        throw new UnsupportedOperationException();
      }

      @Override
      public BooleanColumn booleans(int column) {
        throw new UnsupportedOperationException();
      }

      @Override
      public LongColumn longs(int column) {
        return new LongColumn() {
          @Override
          public boolean isNull(int row) {
            return false;
          }

          @Override
          public long get(int row) {
            return 3;
          }
        };
      }
    };
  }

  /** What finalize writes, as a flat list of values (NULLs included). */
  static final class Recorder implements ResultWriter {
    final List<Object> values;

    Recorder(List<Object> values) {
      this.values = values;
    }

    @Override
    public void setDouble(double value) {
      values.add(value);
    }

    @Override
    public void setFloat(float value) {
      values.add(value);
    }

    @Override
    public void setLong(long value) {
      values.add(value);
    }

    @Override
    public void setNull() {
      values.add("NULL");
    }

    @Override
    public ResultWriter field(int index) {
      values.add("field " + index);
      return this;
    }

    @Override
    public void list(int length) {
      values.add("list " + length);
    }

    @Override
    public ResultWriter listElement(int index) {
      return this;
    }
  }

  static <S> List<Object> result(AggregateFunction<S> f, S state) {
    List<Object> values = new ArrayList<>();
    f.finalize(state, new Recorder(values));
    return values;
  }

  static <S> S roundTrip(StateSerializer<S> serializer, S state) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      serializer.write(state, out);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return serializer.read(in);
    }
  }

  static <S> void check(AggregateFunction<S> f, StateSerializer<S> serializer, int rows)
      throws IOException {
    S a = f.newState();
    S b = f.newState();
    int[] all = new int[rows];
    for (int i = 0; i < rows; i++) all[i] = i;
    f.update(a, chunk(rows, 1), all, rows);
    f.update(b, chunk(rows, 2), all, rows);
    List<Object> alone = result(f, a);
    assertEquals(alone, result(f, roundTrip(serializer, a)), f.name() + " alone");
    assertEquals(result(f, f.newState()), result(f, roundTrip(serializer, f.newState())));
    // Merged after the trip as Spark merges: the read states into a fresh one.
    S merged = f.newState();
    f.combine(a, merged);
    f.combine(b, merged);
    S mergedRead = f.newState();
    f.combine(roundTrip(serializer, a), mergedRead);
    f.combine(roundTrip(serializer, b), mergedRead);
    List<Object> expected = result(f, merged);
    if (f instanceof LinearCka) assertInstanceOf(Double.class, expected.get(0), "a CKA value");
    assertEquals(expected, result(f, mergedRead), f.name() + " merged");
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 11, 300})
  void readStatesFinalizeAndMergeAsTheWrittenOnes(int rows) throws IOException {
    check(new LinearCka(LinearCka.Estimator.BIASED), new LinearCkaStates(), rows);
    check(new LinearCka(LinearCka.Estimator.DEBIASED), new LinearCkaStates(), rows);
    check(new CcaFamily(CcaFamily.Index.CCA), new CcaFamilyStates(), rows);
    check(new Pca(), new PcaStates(), rows);
  }
}
