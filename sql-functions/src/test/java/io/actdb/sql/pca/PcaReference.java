package io.actdb.sql.pca;

import java.util.Arrays;
import java.util.Comparator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The test oracle: PCA from the SVD of the centred data matrix (a different route from the
 * aggregate's eigen-decomposition of streamed second moments), all in float64 on the floats as
 * stored. Signs follow the documented rule, applied here independently.
 */
final class PcaReference {
  final double[] mean;
  final double[][] components; // all d, descending variance
  final double[] variances; // all d, descending
  final double total;

  PcaReference(float[][] x) {
    int n = x.length;
    int d = x[0].length;
    mean = new double[d];
    for (float[] row : x) for (int c = 0; c < d; c++) mean[c] += row[c];
    for (int c = 0; c < d; c++) mean[c] /= n;
    DMatrixRMaj centred = new DMatrixRMaj(n, d);
    double sumSquares = 0;
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < d; c++) {
        double v = x[r][c] - mean[c];
        centred.set(r, c, v);
        sumSquares += v * v;
      }
    }
    total = sumSquares / (n - 1);
    SingularValueDecomposition_F64<DMatrixRMaj> svd =
        DecompositionFactory_DDRM.svd(n, d, false, true, true);
    if (!svd.decompose(centred)) throw new AssertionError("reference SVD failed");
    double[] singular = svd.getSingularValues();
    DMatrixRMaj vt = svd.getV(null, true);
    Integer[] order = new Integer[d];
    for (int i = 0; i < d; i++) order[i] = i;
    Arrays.sort(order, Comparator.comparingDouble(i -> -singular[i]));
    components = new double[d][d];
    variances = new double[d];
    for (int i = 0; i < d; i++) {
      int s = order[i];
      variances[i] = singular[s] * singular[s] / (n - 1);
      double[] v = new double[d];
      int largest = 0;
      for (int c = 0; c < d; c++) {
        v[c] = vt.get(s, c);
        if (Math.abs(v[c]) > Math.abs(v[largest])) largest = c;
      }
      if (v[largest] < 0) for (int c = 0; c < d; c++) v[c] = -v[c];
      components[i] = v;
    }
  }
}
