package io.actdb.extractor.model.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Layer outputs recomputed in plain Java from the model's own parameters. */
class HandComputedTest {
  private static NDArray parameter(Block block, Parameter.Type type) {
    return block.getParameters().values().stream()
        .filter(p -> p.getType() == type)
        .findFirst()
        .orElseThrow()
        .getArray();
  }

  private static float[] ramp(int n, float start, float step) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = start + step * i;
    return v;
  }

  @Test
  void firstConvStageIsConvThenBatchNormThenRelu() throws Exception {
    try (BuiltinModel model = BuiltinModels.create("cnn", 5, Device.cpu());
        NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      Block stage = model.block().layer("conv1");
      int channels = 32;
      // running statistics and affine terms away from their 0/1 defaults, so each one matters
      float[] gamma = ramp(channels, 0.5f, 0.1f);
      float[] beta = ramp(channels, -0.5f, 0.05f);
      float[] mean = ramp(channels, -0.2f, 0.02f);
      float[] variance = ramp(channels, 0.3f, 0.05f);
      parameter(stage, Parameter.Type.GAMMA).set(gamma);
      parameter(stage, Parameter.Type.BETA).set(beta);
      parameter(stage, Parameter.Type.RUNNING_MEAN).set(mean);
      parameter(stage, Parameter.Type.RUNNING_VAR).set(variance);
      float[] w = parameter(stage, Parameter.Type.WEIGHT).toFloatArray(); // 32 × 1 × 3 × 3

      int n = 2;
      float[] in = TestImages.values(100, n);
      Map<String, NDArray> out =
          model.forward(TestImages.batch(manager, 100, n), Set.of("conv1", "pool1"));
      float[] conv1 = out.get("conv1").toFloatArray();

      float[] expected = new float[n * channels * 26 * 26];
      for (int s = 0; s < n; s++) {
        for (int c = 0; c < channels; c++) {
          for (int y = 0; y < 26; y++) {
            for (int x = 0; x < 26; x++) {
              double sum = 0;
              for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                  sum += w[c * 9 + ky * 3 + kx] * in[s * 784 + (y + ky) * 28 + (x + kx)];
                }
              }
              double normalised =
                  (sum - mean[c]) / Math.sqrt(variance[c] + Layers.BATCH_NORM_EPSILON);
              expected[((s * channels + c) * 26 + y) * 26 + x] =
                  (float) Math.max(0, gamma[c] * normalised + beta[c]);
            }
          }
        }
      }
      assertArrayEquals(expected, conv1, 1e-5f);

      float[] pooled = new float[n * channels * 13 * 13];
      for (int sc = 0; sc < n * channels; sc++) {
        for (int y = 0; y < 13; y++) {
          for (int x = 0; x < 13; x++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int dy = 0; dy < 2; dy++) {
              for (int dx = 0; dx < 2; dx++)
                max = Math.max(max, conv1[(sc * 26 + 2 * y + dy) * 26 + 2 * x + dx]);
            }
            pooled[(sc * 13 + y) * 13 + x] = max;
          }
        }
      }
      assertArrayEquals(pooled, out.get("pool1").toFloatArray());
    }
  }

  @Test
  void logitsAreALinearMapOfFc1() throws Exception {
    try (BuiltinModel model = BuiltinModels.create("cnn", 6, Device.cpu());
        NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      Block logits = model.block().layer("logits");
      float[] bias = ramp(10, -1f, 0.2f);
      parameter(logits, Parameter.Type.BIAS).set(bias);
      float[] w = parameter(logits, Parameter.Type.WEIGHT).toFloatArray(); // 10 × 64
      int n = 3;
      Map<String, NDArray> out =
          model.forward(TestImages.batch(manager, 0, n), Set.of("fc1", "logits"));
      float[] fc1 = out.get("fc1").toFloatArray();
      float[] expected = new float[n * 10];
      for (int s = 0; s < n; s++) {
        for (int k = 0; k < 10; k++) {
          double sum = bias[k];
          for (int j = 0; j < 64; j++) sum += w[k * 64 + j] * fc1[s * 64 + j];
          expected[s * 10 + k] = (float) sum;
        }
      }
      assertArrayEquals(expected, out.get("logits").toFloatArray(), 1e-5f);
    }
  }

  @Test
  void identityShortcutPassesTheInputThrough() throws Exception {
    try (BuiltinModel model = BuiltinModels.create("resnet", 7, Device.cpu());
        NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      // silence the main path's last BatchNorm: block1 = relu(0 + stem) = stem, as stem is ≥ 0
      Block main = model.block().layer("block1").getChildren().get("01main");
      Block lastNorm = main.getChildren().values().getLast();
      parameter(lastNorm, Parameter.Type.GAMMA).set(new float[16]);
      parameter(lastNorm, Parameter.Type.BETA).set(new float[16]);
      Map<String, NDArray> out =
          model.forward(TestImages.batch(manager, 0, 2), Set.of("stem", "block1"));
      float[] stem = out.get("stem").toFloatArray();
      assertArrayEquals(stem, out.get("block1").toFloatArray());
      for (float v : stem) assertTrue(v >= 0, "stem ends in a ReLU");
    }
  }
}
