package io.actdb.extractor.model.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** BatchNorm in inference mode: a sample's outputs do not depend on its batch mates. */
class EvalModeTest {
  @Test
  void outputsDoNotDependOnTheRestOfTheBatch() throws Exception {
    for (String architecture : BuiltinModels.architectures()) {
      try (BuiltinModel model = BuiltinModels.create(architecture, 4, Device.cpu());
          NDManager manager = NDManager.newBaseManager(Device.cpu())) {
        Set<String> all = Set.copyOf(model.layerNames());
        Map<String, NDArray> alone = model.forward(TestImages.batch(manager, 7, 1), all);
        Map<String, NDArray> together = model.forward(TestImages.batch(manager, 7, 5), all);
        for (String layer : model.layerNames()) {
          assertArrayEquals(
              alone.get(layer).toFloatArray(),
              together.get(layer).get(new NDIndex("0:1")).toFloatArray(),
              1e-5f,
              architecture + " " + layer);
        }
      }
    }
  }

  @Test
  void trainingModeWouldDependOnTheBatch() throws Exception {
    // the counterpart of the test above: BatchNorm with batch statistics mixes the samples
    try (BuiltinModel model = BuiltinModels.create("cnn", 4, Device.cpu());
        NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      ParameterStore store = new ParameterStore(manager, false);
      NDArray alone =
          model.block().forward(store, new NDList(TestImages.batch(manager, 7, 2)), true).head();
      NDArray together =
          model.block().forward(store, new NDList(TestImages.batch(manager, 7, 5)), true).head();
      assertFalse(
          Arrays.equals(
              alone.get(new NDIndex("0:1")).toFloatArray(),
              together.get(new NDIndex("0:1")).toFloatArray()));
    }
  }
}
