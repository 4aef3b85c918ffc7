package io.actdb.extractor.model.builtin;

import io.actdb.extractor.ExtractorException;
import io.actdb.extractor.data.SampleSource;

/** Refuses a training configuration before any work is done, saying what to change. */
final class TrainingChecks {
  private TrainingChecks() {}

  /** Returns the number of samples to train on. */
  static int check(Training.Config config, Architecture architecture, SampleSource train)
      throws ExtractorException {
    if (config.epochs() < 1)
      throw new ExtractorException("epochs must be at least 1, not " + config.epochs());
    if (config.batchSize() < 1)
      throw new ExtractorException("batch size must be at least 1, not " + config.batchSize());
    if (!(config.learningRate() > 0) || Float.isInfinite(config.learningRate())) {
      throw new ExtractorException(
          "learning rate must be a positive number, not " + config.learningRate());
    }
    for (int epoch : config.checkpointEpochs()) {
      if (epoch < 0 || epoch > config.epochs()) {
        throw new ExtractorException(
            "checkpoint epoch " + epoch + " is outside the run's epochs 0.." + config.epochs());
      }
    }
    if (config.runName().isBlank()
        || config.runName().contains("/")
        || config.runName().contains("\\")) {
      throw new ExtractorException(
          "run name '" + config.runName() + "' must be a non-empty file name");
    }
    if (train.channels() != architecture.channels()
        || train.height() != architecture.height()
        || train.width() != architecture.width()) {
      throw new ExtractorException(
          train.description()
              + " has inputs of "
              + train.channels()
              + "×"
              + train.height()
              + "×"
              + train.width()
              + " but "
              + architecture.name()
              + " takes "
              + architecture.channels()
              + "×"
              + architecture.height()
              + "×"
              + architecture.width());
    }
    if (config.subsetSize() < 0 || config.subsetSize() > train.size()) {
      throw new ExtractorException(
          "subset of "
              + config.subsetSize()
              + " samples asked for, but "
              + train.description()
              + " has "
              + train.size());
    }
    int size =
        config.subsetSize() == Training.Config.ALL_SAMPLES ? train.size() : config.subsetSize();
    if (size == 0)
      throw new ExtractorException(train.description() + " has no samples to train on");
    return size;
  }
}
