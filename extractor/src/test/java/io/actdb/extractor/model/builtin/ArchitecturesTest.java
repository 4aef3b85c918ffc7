package io.actdb.extractor.model.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.actdb.extractor.ExtractorException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArchitecturesTest {
  /** Per-sample output shapes, worked out by hand: valid 3×3 conv = size - 2, pooling halves. */
  private static Map<String, Shape> expected(String architecture) {
    Map<String, Shape> m = new LinkedHashMap<>();
    switch (architecture) {
      case "cnn", "cnn-wide" -> {
        int w = architecture.equals("cnn") ? 32 : 64;
        m.put("conv1", new Shape(w, 26, 26));
        m.put("pool1", new Shape(w, 13, 13));
        m.put("conv2", new Shape(2 * w, 11, 11));
        m.put("pool2", new Shape(2 * w, 5, 5));
        m.put("conv3", new Shape(2 * w, 3, 3));
        m.put("fc1", new Shape(2 * w));
        m.put("logits", new Shape(10));
      }
      case "resnet" -> {
        m.put("stem", new Shape(16, 14, 14));
        m.put("block1", new Shape(16, 14, 14));
        m.put("block2", new Shape(32, 7, 7));
        m.put("block3", new Shape(64, 4, 4));
        m.put("pool", new Shape(64));
        m.put("logits", new Shape(10));
      }
      default -> throw new AssertionError(architecture);
    }
    return m;
  }

  @Test
  void listsTheArchitectures() {
    assertEquals(List.of("cnn", "cnn-wide", "resnet"), BuiltinModels.architectures());
  }

  @Test
  void capturesEveryLayerWithItsShape() throws Exception {
    for (String architecture : BuiltinModels.architectures()) {
      Map<String, Shape> expected = expected(architecture);
      try (BuiltinModel model = BuiltinModels.create(architecture, 1, Device.cpu());
          NDManager manager = NDManager.newBaseManager(Device.cpu())) {
        assertEquals(architecture + "-s1-init", model.name());
        assertEquals(List.copyOf(expected.keySet()), model.layerNames(), architecture);
        assertEquals(expected, model.layerShapes(), architecture);
        Map<String, NDArray> out =
            model.forward(TestImages.batch(manager, 0, 3), Set.copyOf(model.layerNames()));
        assertEquals(
            List.copyOf(expected.keySet()),
            List.copyOf(out.keySet()),
            architecture + ": forward order");
        expected.forEach(
            (layer, shape) ->
                assertEquals(
                    new Shape(3).addAll(shape),
                    out.get(layer).getShape(),
                    architecture + " " + layer));
        out.values()
            .forEach(
                a ->
                    assertTrue(a.getManager() == manager, "outputs belong to the input's manager"));
      }
    }
  }

  @Test
  void capturedLogitsAreThePlainForward() throws Exception {
    for (String architecture : BuiltinModels.architectures()) {
      try (BuiltinModel model = BuiltinModels.create(architecture, 2, Device.cpu());
          NDManager manager = NDManager.newBaseManager(Device.cpu())) {
        NDArray batch = TestImages.batch(manager, 10, 4);
        NDArray captured =
            model.forward(batch, Set.of("logits", model.layerNames().getFirst())).get("logits");
        NDArray plain =
            model
                .block()
                .forward(new ParameterStore(manager, false), new NDList(batch), false)
                .singletonOrThrow();
        assertArrayEquals(plain.toFloatArray(), captured.toFloatArray(), architecture);
      }
    }
  }

  @Test
  void returnsOnlyTheLayersAskedFor() throws Exception {
    try (BuiltinModel model = BuiltinModels.create("resnet", 1, Device.cpu());
        NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      Map<String, NDArray> out =
          model.forward(TestImages.batch(manager, 0, 2), Set.of("block2", "stem"));
      assertEquals(List.of("stem", "block2"), List.copyOf(out.keySet()));
    }
  }

  @Test
  void refusesUnknownLayersAndWrongInputs() throws Exception {
    try (BuiltinModel model = BuiltinModels.create("cnn", 1, Device.cpu());
        NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> model.forward(TestImages.batch(manager, 0, 1), Set.of("fc9")));
      assertTrue(
          e.getMessage().contains("fc9") && e.getMessage().contains("conv1"), e.getMessage());
      NDArray wrong = manager.zeros(new Shape(2, 3, 28, 28));
      e = assertThrows(IllegalArgumentException.class, () -> model.forward(wrong, Set.of("conv1")));
      assertTrue(e.getMessage().contains("2×3×28×28"), e.getMessage());
    }
  }

  @Test
  void unknownArchitectureListsTheKnownOnes() {
    ExtractorException e =
        assertThrows(ExtractorException.class, () -> BuiltinModels.create("vgg", 1, Device.cpu()));
    assertTrue(
        e.getMessage().contains("vgg") && e.getMessage().contains("cnn, cnn-wide, resnet"),
        e.getMessage());
  }
}
