package io.actdb.extractor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LibTorchSettingsTest {
  @Test
  void startingTheEngineTurnsNnpackOff() {
    LibTorchSettings.startEngine();
    assertEquals(
        Optional.of(false),
        LibTorchSettings.nnpackEnabled(),
        "libtorch's NNPACK switch, read back through its own getter");
  }

  @Test
  void convolutionsStillRunWithNnpackOff() {
    LibTorchSettings.startEngine();
    // batch 2 < 16 is the case libtorch would hand to NNPACK; a 3x3 all-ones kernel over all-ones
    // input sums 9 ones per output cell
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray input = manager.ones(new Shape(2, 1, 5, 5));
      NDArray kernel = manager.ones(new Shape(1, 1, 3, 3));
      NDArray out =
          Conv2d.conv2d(input, kernel, null, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1))
              .singletonOrThrow();
      assertEquals(new Shape(2, 1, 3, 3), out.getShape());
      for (float v : out.toFloatArray()) assertEquals(9f, v);
    }
  }
}
