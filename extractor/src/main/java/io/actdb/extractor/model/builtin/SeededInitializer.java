package io.actdb.extractor.model.builtin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.Random;

/**
 * He-normal weights (σ = √(2 / fan-in), as DJL's default) drawn from {@link Random} with a fixed
 * seed instead of the engine's global generator: the values depend on the seed and the order in
 * which the block asks for them, not on the engine, the thread or what ran before. {@link Random}
 * is used because its Gaussian sequence is specified, so the values are the same on every JVM.
 */
final class SeededInitializer implements Initializer {
  private final Random random;

  SeededInitializer(long seed) {
    random = new Random(seed);
  }

  @Override
  public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
    // weights are (out, in, kernel...) for convolutions and (out, in) for linear layers
    long fanIn = shape.size() / shape.get(0);
    double sigma = Math.sqrt(2.0 / fanIn);
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) values[i] = (float) (random.nextGaussian() * sigma);
    return manager.create(values, shape).toType(dataType, false);
  }
}
