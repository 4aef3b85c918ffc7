package io.actdb.extractor.model.builtin;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.actdb.extractor.ExtractorException;
import io.actdb.extractor.model.ActivationModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A built-in network ({@link BuiltinModels}) in inference mode: BatchNorm uses its running
 * statistics, so a sample's outputs do not depend on the rest of its batch. Owns the native memory
 * of its parameters until {@link #close()}. Not thread-safe.
 */
public final class BuiltinModel implements ActivationModel {
  private final String name;
  private final Architecture architecture;
  private final NDManager manager;
  private final NamedLayers block;
  private final CheckpointInfo checkpoint;
  private final ParameterStore store;

  BuiltinModel(
      String name,
      Architecture architecture,
      NDManager manager,
      NamedLayers block,
      CheckpointInfo checkpoint) {
    this.name = name;
    this.architecture = architecture;
    this.manager = manager;
    this.block = block;
    this.checkpoint = checkpoint;
    // inference only: no autograd graph, whatever the calling thread's grad mode
    block.freezeParameters(true);
    store = new ParameterStore(manager, false);
  }

  /** {@code <architecture>-s<seed>-init} for a fresh model, else the checkpoint's base name. */
  @Override
  public String name() {
    return name;
  }

  /** The architecture's name, e.g. {@code cnn}. */
  public String architecture() {
    return architecture.name();
  }

  /** The sidecar of the checkpoint this model was loaded from; empty for a fresh model. */
  public Optional<CheckpointInfo> checkpoint() {
    return Optional.ofNullable(checkpoint);
  }

  /** The input one sample must have: channels, height, width. */
  public Shape inputShape() {
    return new Shape(architecture.channels(), architecture.height(), architecture.width());
  }

  @Override
  public List<String> layerNames() {
    return block.layerNames();
  }

  /** Each layer's output shape for one sample (no batch dimension), in forward order. */
  public Map<String, Shape> layerShapes() {
    Map<String, Shape> shapes = new LinkedHashMap<>();
    block
        .layerShapes(new Shape(1).addAll(inputShape()))
        .forEach((layer, s) -> shapes.put(layer, s.slice(1)));
    return shapes;
  }

  public Device device() {
    return manager.getDevice();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Layers after the last requested one are not run. Intermediate results are freed before this
   * returns.
   *
   * @throws IllegalArgumentException for an unknown layer or a batch of the wrong shape
   */
  @Override
  public Map<String, NDArray> forward(NDArray batch, Set<String> layers) {
    Shape shape = batch.getShape();
    if (shape.dimension() != 4 || !shape.slice(1).equals(inputShape())) {
      throw new IllegalArgumentException(
          name + " takes batches of N×" + dims(inputShape()) + ", not " + dims(shape));
    }
    NDManager owner = batch.getManager();
    // results land in the input's manager: lend the input to a scratch manager so that
    // everything not asked for goes when it closes
    try (NDManager scratch = owner.newSubManager()) {
      batch.attach(scratch);
      try {
        Map<String, NDArray> outputs = block.capture(store, batch, layers, false);
        outputs.values().forEach(a -> a.attach(owner));
        return outputs;
      } finally {
        batch.attach(owner);
      }
    }
  }

  /** One forward on zeros, to find out early that loaded parameters do not fit. */
  void checkFits(Path params) throws ExtractorException {
    try (NDManager scratch = manager.newSubManager()) {
      NDArray zeros = scratch.zeros(new Shape(1).addAll(inputShape()));
      forward(zeros, Set.of(layerNames().getLast()));
    } catch (RuntimeException e) {
      throw new ExtractorException(
          params + " does not fit architecture " + architecture.name() + ": " + e.getMessage(), e);
    }
  }

  /** The network itself, for tests and training in this package. */
  NamedLayers block() {
    return block;
  }

  @Override
  public void close() {
    manager.close();
  }

  private static String dims(Shape shape) {
    return String.join("×", Arrays.stream(shape.getShape()).mapToObj(Long::toString).toList());
  }
}
