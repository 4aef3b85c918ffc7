package io.actdb.extractor.model.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedTest {
  private static List<Pair<String, Parameter>> parameters(BuiltinModel model) {
    return model.block().getParameters().stream().toList();
  }

  @Test
  void sameSeedGivesIdenticalParameters() throws Exception {
    for (String architecture : BuiltinModels.architectures()) {
      try (BuiltinModel a = BuiltinModels.create(architecture, 42, Device.cpu());
          BuiltinModel b = BuiltinModels.create(architecture, 42, Device.cpu())) {
        List<Pair<String, Parameter>> pa = parameters(a);
        List<Pair<String, Parameter>> pb = parameters(b);
        assertEquals(pa.size(), pb.size());
        for (int i = 0; i < pa.size(); i++) {
          assertEquals(pa.get(i).getKey(), pb.get(i).getKey());
          assertArrayEquals(
              pa.get(i).getValue().getArray().toFloatArray(),
              pb.get(i).getValue().getArray().toFloatArray(),
              architecture + " " + pa.get(i).getKey());
        }
      }
    }
  }

  @Test
  void differentSeedsGiveDifferentWeights() throws Exception {
    for (String architecture : BuiltinModels.architectures()) {
      try (BuiltinModel a = BuiltinModels.create(architecture, 1, Device.cpu());
          BuiltinModel b = BuiltinModels.create(architecture, 2, Device.cpu())) {
        List<Pair<String, Parameter>> pa = parameters(a);
        List<Pair<String, Parameter>> pb = parameters(b);
        for (int i = 0; i < pa.size(); i++) {
          if (pa.get(i).getValue().getType() != Parameter.Type.WEIGHT) continue;
          assertFalse(
              Arrays.equals(
                  pa.get(i).getValue().getArray().toFloatArray(),
                  pb.get(i).getValue().getArray().toFloatArray()),
              architecture + " " + pa.get(i).getKey());
        }
      }
    }
  }

  @Test
  void weightsHaveTheHeScale() throws Exception {
    try (BuiltinModel model = BuiltinModels.create("cnn-wide", 3, Device.cpu())) {
      // conv2 of cnn-wide: 128 × 64 × 3 × 3 weights, fan-in 576, so σ² = 2 / 576
      float[] w =
          model.block().layer("conv2").getParameters().values().stream()
              .filter(p -> p.getType() == Parameter.Type.WEIGHT)
              .findFirst()
              .orElseThrow()
              .getArray()
              .toFloatArray();
      assertEquals(128 * 64 * 9, w.length);
      double sumSquares = 0;
      for (float v : w) sumSquares += v * v;
      assertEquals(2.0 / 576, sumSquares / w.length, 0.05 * 2.0 / 576);
    }
  }
}
