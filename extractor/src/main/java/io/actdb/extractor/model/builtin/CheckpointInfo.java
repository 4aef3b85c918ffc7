package io.actdb.extractor.model.builtin;

/**
 * The JSON sidecar of a checkpoint: what was trained, on what, and how well it did. It lies next to
 * the parameter file under the same base name ({@code cnn-s1-e005.json} beside {@code
 * cnn-s1-e005.params}).
 *
 * @param format always {@link #FORMAT}; a reader refuses other values
 * @param architecture one of {@link BuiltinModels#architectures()}
 * @param seed the seed of the initialisation and of the shuffling
 * @param epoch epochs trained; 0 is the initialisation
 * @param trainSource the sample source trained on
 * @param trainSubsetSize the first this many samples of it were used
 * @param batchSize samples per optimiser step
 * @param learningRate Adam's learning rate
 * @param loss mean training cross-entropy over the epoch, null for epoch 0
 * @param accuracy training accuracy over the epoch (0..1), null for epoch 0
 * @param djlVersion the DJL version that wrote the parameters
 * @param engine the DJL engine, e.g. PyTorch
 * @param engineVersion the engine's version
 */
public record CheckpointInfo(
    String format,
    String architecture,
    long seed,
    int epoch,
    String trainSource,
    int trainSubsetSize,
    int batchSize,
    float learningRate,
    Double loss,
    Double accuracy,
    String djlVersion,
    String engine,
    String engineVersion) {

  /** The value of {@code format} in the files this version writes. */
  public static final String FORMAT = "actdb-builtin-checkpoint-1";
}
