package io.actdb.extractor.model;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model whose named layers the extractor captures. Implementations run in inference mode
 * (BatchNorm uses its running statistics, dropout is off).
 */
public interface ActivationModel extends AutoCloseable {
  /** The name under which the layers land in the store, unless the user gives another. */
  String name();

  /** The layers this model can capture, in forward order. */
  List<String> layerNames();

  /**
   * Runs one batch (N × C × H × W, on the model's device) and returns the outputs of the requested
   * layers, by name, each with N as its first dimension. The arrays belong to the input's manager,
   * so closing that manager frees them.
   */
  Map<String, NDArray> forward(NDArray batch, Set<String> layers);

  @Override
  void close();
}
