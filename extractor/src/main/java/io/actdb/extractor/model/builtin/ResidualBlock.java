package io.actdb.extractor.model.builtin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A basic residual block (He et al. 2016): relu(bn(conv3×3(relu(bn(conv3×3(x))))) + shortcut(x)).
 * The shortcut is the identity when the shape stays, else a strided 1×1 convolution with BatchNorm
 * (the "projection" shortcut).
 */
final class ResidualBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final Block main;
  private final Block shortcut; // null: identity

  /**
   * @param inChannels channels of the input
   * @param outChannels channels of the output
   * @param stride 1 keeps the spatial size, 2 halves it
   */
  ResidualBlock(int inChannels, int outChannels, int stride) {
    super(VERSION);
    main =
        addChildBlock(
            "main",
            new SequentialBlock()
                .add(Layers.conv(outChannels, 3, stride, 1))
                .add(Layers.batchNorm())
                .add(Activation.reluBlock())
                .add(Layers.conv(outChannels, 3, 1, 1))
                .add(Layers.batchNorm()));
    boolean identity = inChannels == outChannels && stride == 1;
    shortcut =
        identity
            ? null
            : addChildBlock(
                "shortcut",
                new SequentialBlock()
                    .add(Layers.conv(outChannels, 1, stride, 0))
                    .add(Layers.batchNorm()));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray residual = main.forward(store, inputs, training, params).singletonOrThrow();
    NDArray skip =
        shortcut == null ? x : shortcut.forward(store, inputs, training, params).singletonOrThrow();
    return new NDList(Activation.relu(residual.add(skip)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return main.getOutputShapes(inputShapes);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    main.initialize(manager, dataType, inputShapes);
    if (shortcut != null) shortcut.initialize(manager, dataType, inputShapes);
  }
}
