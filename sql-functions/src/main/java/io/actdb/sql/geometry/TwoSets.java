package io.actdb.sql.geometry;

import io.actdb.sql.input.PowerOfTwoScale;
import io.actdb.sql.input.RowBlock;
import io.actdb.sql.kernels.Kernels;
import io.actdb.sql.spi.InputChunk;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.VectorColumn;

/**
 * A group's state for the two-set aggregates: the rows of R ({@code is_reference} true) and of E,
 * and the group's constant parameters (one value per group, checked on every row).
 */
class TwoSets {
  final PointBuffer reference = new PointBuffer();
  final PointBuffer evaluation = new PointBuffer();
  int dim = -1;
  final double[] parameters;
  private final boolean[] seen;

  TwoSets(int parameterCount) {
    parameters = new double[parameterCount];
    seen = new boolean[parameterCount];
  }

  /**
   * Adds rows {@code rows[0..count)}: column 0 is the vector, column 1 {@code is_reference}; a row
   * whose vector or flag is NULL is skipped.
   */
  void addRows(InputChunk input, int[] rows, int count) {
    VectorColumn x = input.vectors(0, "x");
    InputChunk.BooleanColumn isReference = input.booleans(1);
    for (int i = 0; i < count; i++) {
      int r = rows[i];
      if (x.isNull(r) || isReference.isNull(r)) continue;
      int d = x.dim(r);
      if (dim < 0) {
        RowBlock.checkNotEmpty(d, "x");
        dim = d;
      } else {
        RowBlock.checkDim(dim, d, "x");
      }
      (isReference.get(r) ? reference : evaluation).add(x, r, dim);
    }
  }

  /**
   * Records parameter {@code index} from a DOUBLE column; all rows of a group must agree. A NULL is
   * kept as NaN ("use the default") when {@code nullMeansDefault}, and is an error otherwise.
   */
  void parameter(
      int index,
      String name,
      InputChunk.DoubleColumn column,
      int[] rows,
      int count,
      boolean nullMeansDefault) {
    for (int i = 0; i < count; i++) {
      int r = rows[i];
      double v;
      if (column.isNull(r)) {
        if (!nullMeansDefault) throw new SqlFunctionException(name + " is NULL");
        v = Double.NaN;
      } else {
        v = column.get(r);
        if (!Double.isFinite(v)) throw new SqlFunctionException(name + " must be finite, got " + v);
      }
      accept(index, name, v);
    }
  }

  /** Records an integer parameter from a BIGINT column (NULL is an error). */
  void parameter(int index, String name, InputChunk.LongColumn column, int[] rows, int count) {
    for (int i = 0; i < count; i++) {
      int r = rows[i];
      if (column.isNull(r)) throw new SqlFunctionException(name + " is NULL");
      accept(index, name, column.get(r));
    }
  }

  /** Sets a parameter no argument gave (its default). */
  void parameterDefault(int index, double value) {
    if (!seen[index]) {
      parameters[index] = value;
      seen[index] = true;
    }
  }

  private void accept(int index, String name, double v) {
    if (!seen[index]) {
      parameters[index] = v;
      seen[index] = true;
    } else if (Double.compare(parameters[index], v) != 0) {
      throw new SqlFunctionException(
          name
              + " must be the same for all rows of a group, got "
              + parameters[index]
              + " and "
              + v);
    }
  }

  /** Merges another state of the same group. */
  void addAll(TwoSets other) {
    if (other.dim >= 0) {
      if (dim < 0) dim = other.dim;
      else RowBlock.checkDim(dim, other.dim, "x");
    }
    for (int p = 0; p < parameters.length; p++) {
      if (other.seen[p]) accept(p, "a parameter", other.parameters[p]);
    }
    reference.addAll(other.reference);
    evaluation.addAll(other.evaluation);
  }

  /**
   * The power of two both sets were multiplied by ({@link #normalizeScale}), so that a length in
   * the data's units times {@code 2^scaleExponent} is one in the rows' units.
   */
  int scaleExponent;

  private boolean scaled;

  /**
   * Rescales R and E together by the power of two that puts their largest magnitude where float32
   * distances neither overflow nor underflow ({@link PowerOfTwoScale}); once per group, at
   * finalize. Rankings and ratios do not change; lengths do, by {@code 2^scaleExponent}.
   */
  void normalizeScale() {
    if (scaled || dim < 0) return;
    scaled = true;
    long nR = (long) reference.count() * dim;
    long nE = (long) evaluation.count() * dim;
    float max = 0f;
    for (PointBuffer set : new PointBuffer[] {reference, evaluation}) {
      float[] rows = set.rows();
      long length = set == reference ? nR : nE;
      for (int i = 0; i < length; i++) max = Math.max(max, Math.abs(rows[i]));
    }
    scaleExponent = PowerOfTwoScale.exponentForMax(max);
    PowerOfTwoScale.apply(reference.rows(), nR, scaleExponent);
    PowerOfTwoScale.apply(evaluation.rows(), nE, scaleExponent);
  }

  /** The two sets rescaled ({@link #normalizeScale}) and packed with one common shift. */
  PointSet[] pointSets() {
    normalizeScale();
    float[] shift = PointSet.centre(dim, reference, evaluation);
    var kernels = Kernels.distances();
    return new PointSet[] {
      new PointSet(reference.rows(), reference.count(), dim, shift, kernels),
      new PointSet(evaluation.rows(), evaluation.count(), dim, shift, kernels)
    };
  }
}
