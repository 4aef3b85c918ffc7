package io.actdb.cli;

import io.actdb.extractor.model.builtin.Training;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.BiFunction;

/**
 * A training run's progress, one meter per epoch ("cnn-s1 epoch 2/4", samples done, ETA of the
 * epoch); the meter closes before the epoch's own line, so a bar never shares a line with it.
 */
class TrainingProgress implements Training.Listener, AutoCloseable {
  private final String run;
  private final int epochs;
  private final BiFunction<String, Integer, ProgressMeter> meterForTask;
  private ProgressMeter meter;

  /** Meters on {@code log}: bars on a terminal, plain lines otherwise. */
  TrainingProgress(PrintWriter log, String run, int epochs) {
    this(run, epochs, (task, samples) -> ProgressMeter.start(log, task, samples, "samples"));
  }

  /**
   * @param meterForTask makes the meter of one epoch from its task name and number of samples
   */
  TrainingProgress(
      String run, int epochs, BiFunction<String, Integer, ProgressMeter> meterForTask) {
    this.run = run;
    this.epochs = epochs;
    this.meterForTask = meterForTask;
  }

  @Override
  public void batchDone(int epoch, int samplesDone, int samplesInEpoch) {
    if (meter == null)
      meter = meterForTask.apply(run + " epoch " + epoch + "/" + epochs, samplesInEpoch);
    meter.stepTo(samplesDone);
  }

  @Override
  public void epochDone(int epoch, double loss, double accuracy, double seconds) {
    close();
  }

  @Override
  public void checkpointSaved(int epoch, Path paramsFile) {}

  @Override
  public void close() {
    if (meter != null) {
      meter.close();
      meter = null;
    }
  }
}
