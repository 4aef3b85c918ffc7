/**
 * Networks actdb builds and trains itself with DJL's block API, so that every layer has a name of
 * ours and can be captured: {@link io.actdb.extractor.model.builtin.BuiltinModels} creates and
 * loads them, {@link io.actdb.extractor.model.builtin.Training} trains them and writes checkpoints.
 *
 * <p>Layers and their per-sample output shapes for 1×28×28 inputs (Fashion-MNIST):
 *
 * <ul>
 *   <li>{@code cnn}, after the small CIFAR-10 CNN of the TensorFlow tutorial that the KTH thesis
 *       (§4.3) overfits, with BatchNorm: {@code conv1} 32×26×26, {@code pool1} 32×13×13, {@code
 *       conv2} 64×11×11, {@code pool2} 64×5×5, {@code conv3} 64×3×3, {@code fc1} 64, {@code logits}
 *       10. Each {@code convN} is conv 3×3 (no padding) + BatchNorm + ReLU; {@code poolN} is 2×2
 *       max pooling; {@code fc1} is flatten + linear + ReLU.
 *   <li>{@code cnn-wide}: the same layers with twice the channels: 64×26×26, 64×13×13, 128×11×11,
 *       128×5×5, 128×3×3, 128, 10.
 *   <li>{@code resnet}: {@code stem} conv 3×3 (padded) + BatchNorm + ReLU + 2×2 max pooling
 *       16×14×14; {@code block1} residual block with identity shortcut 16×14×14; {@code block2}
 *       residual block, stride 2, projection shortcut 32×7×7; {@code block3} likewise 64×4×4;
 *       {@code pool} global average 64; {@code logits} 10. A residual block is conv 3×3 + BN + ReLU
 *       + conv 3×3 + BN, plus the shortcut, then ReLU.
 * </ul>
 *
 * <p>Public: {@code BuiltinModels}, {@code BuiltinModel}, {@code Training}, {@code CheckpointInfo},
 * {@code NamedLayers}; the rest is internal.
 */
package io.actdb.extractor.model.builtin;
