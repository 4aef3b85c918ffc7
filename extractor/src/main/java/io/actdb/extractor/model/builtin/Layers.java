package io.actdb.extractor.model.builtin;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

/** The building blocks the architectures share, with their settings in one place. */
final class Layers {
  private Layers() {}

  /** BatchNorm's epsilon; the hand-computed test needs it too. */
  static final float BATCH_NORM_EPSILON = 1e-5f;

  /** DJL's momentum: running = running × 0.9 + batch × 0.1 (PyTorch's momentum 0.1). */
  static final float BATCH_NORM_MOMENTUM = 0.9f;

  /** A square convolution without bias (the BatchNorm after it has one). */
  static Block conv(int filters, int kernel, int stride, int padding) {
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(new Shape(kernel, kernel))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(padding, padding))
        .optBias(false)
        .build();
  }

  static Block batchNorm() {
    return BatchNorm.builder()
        .optEpsilon(BATCH_NORM_EPSILON)
        .optMomentum(BATCH_NORM_MOMENTUM)
        .build();
  }

  /** conv + BatchNorm + ReLU. */
  static Block convStage(int filters, int kernel, int padding) {
    return new SequentialBlock()
        .add(conv(filters, kernel, 1, padding))
        .add(batchNorm())
        .add(Activation.reluBlock());
  }

  /** 2×2 max pooling, stride 2. */
  static Block maxPool() {
    return Pool.maxPool2dBlock(new Shape(2, 2));
  }

  /** flatten + fully connected + ReLU. */
  static Block fullyConnected(int units) {
    return new SequentialBlock()
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(units).build())
        .add(Activation.reluBlock());
  }

  /** The class scores: a linear layer without activation. */
  static Block logits(int classes) {
    return Linear.builder().setUnits(classes).build();
  }
}
