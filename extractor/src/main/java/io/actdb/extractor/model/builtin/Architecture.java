package io.actdb.extractor.model.builtin;

import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A built-in network: its name, the input it takes and how to build its layers.
 *
 * <p>The layers and their shapes are listed in the package documentation.
 *
 * @param name what users type, e.g. {@code cnn}
 * @param description one line for listings
 * @param channels input channels
 * @param height input height
 * @param width input width
 * @param layers builds a fresh, uninitialised network
 */
record Architecture(
    String name,
    String description,
    int channels,
    int height,
    int width,
    Supplier<NamedLayers> layers) {

  static final int CLASSES = 10;

  static final List<Architecture> ALL =
      List.of(
          new Architecture(
              "cnn",
              "3 conv stages (32, 64, 64 channels) with BatchNorm, fc 64, logits",
              1,
              28,
              28,
              () -> cnn(32)),
          new Architecture(
              "cnn-wide",
              "cnn with twice the channels (64, 128, 128), fc 128",
              1,
              28,
              28,
              () -> cnn(64)),
          new Architecture(
              "resnet",
              "stem + 3 residual blocks (16, 32, 64 channels), global average pool",
              1,
              28,
              28,
              Architecture::resnet));

  static Optional<Architecture> find(String name) {
    return ALL.stream().filter(a -> a.name.equals(name)).findFirst();
  }

  static List<String> names() {
    return ALL.stream().map(Architecture::name).toList();
  }

  private static NamedLayers cnn(int width) {
    return new NamedLayers()
        .add("conv1", Layers.convStage(width, 3, 0))
        .add("pool1", Layers.maxPool())
        .add("conv2", Layers.convStage(2 * width, 3, 0))
        .add("pool2", Layers.maxPool())
        .add("conv3", Layers.convStage(2 * width, 3, 0))
        .add("fc1", Layers.fullyConnected(2 * width))
        .add("logits", Layers.logits(CLASSES));
  }

  private static NamedLayers resnet() {
    return new NamedLayers()
        .add("stem", new SequentialBlock().add(Layers.convStage(16, 3, 1)).add(Layers.maxPool()))
        .add("block1", new ResidualBlock(16, 16, 1))
        .add("block2", new ResidualBlock(16, 32, 2))
        .add("block3", new ResidualBlock(32, 64, 2))
        .add("pool", Pool.globalAvgPool2dBlock())
        .add("logits", Layers.logits(CLASSES));
  }
}
