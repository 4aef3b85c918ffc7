package io.actdb.extractor.model.builtin;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.actdb.extractor.ExtractorException;
import io.actdb.extractor.model.LibTorchSettings;
import java.nio.file.Path;
import java.util.List;

/**
 * The networks actdb builds itself with DJL: {@code cnn}, {@code cnn-wide} and {@code resnet}
 * (layers and shapes in the package documentation). Create one freshly initialised from a seed,
 * train it with {@link Training}, load a checkpoint that training wrote.
 */
public final class BuiltinModels {
  private BuiltinModels() {}

  /** The architecture names, e.g. {@code cnn}. */
  public static List<String> architectures() {
    return Architecture.names();
  }

  /**
   * A freshly initialised model named {@code <architecture>-s<seed>-init}. The same seed gives
   * bit-identical parameters on every machine; different seeds give different ones.
   *
   * @throws ExtractorException for an unknown architecture, listing the known ones
   */
  public static BuiltinModel create(String architecture, long seed, Device device)
      throws ExtractorException {
    Architecture a = find(architecture);
    LibTorchSettings.startEngine();
    NDManager manager = NDManager.newBaseManager(device);
    try {
      return new BuiltinModel(
          a.name() + "-s" + seed + "-init", a, manager, initialise(a, seed, manager), null);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Loads a checkpoint written by {@link Training}: its {@code .params} file, its {@code .json}
   * sidecar, or their common base path. The model is named after the base name.
   *
   * @throws ExtractorException naming the file when either file is missing, unreadable, truncated
   *     or for an unknown architecture
   */
  public static BuiltinModel load(Path checkpoint, Device device) throws ExtractorException {
    return Checkpoint.read(checkpoint, device);
  }

  static Architecture find(String architecture) throws ExtractorException {
    return Architecture.find(architecture)
        .orElseThrow(
            () ->
                new ExtractorException(
                    "no built-in architecture '"
                        + architecture
                        + "'; known: "
                        + String.join(", ", architectures())));
  }

  /** Builds the network and fills its weights from the seed; arrays live in {@code manager}. */
  static NamedLayers initialise(Architecture architecture, long seed, NDManager manager) {
    NamedLayers block = architecture.layers().get();
    block.setInitializer(new SeededInitializer(seed), Parameter.Type.WEIGHT);
    block.initialize(
        manager,
        DataType.FLOAT32,
        new Shape(1, architecture.channels(), architecture.height(), architecture.width()));
    return block;
  }
}
