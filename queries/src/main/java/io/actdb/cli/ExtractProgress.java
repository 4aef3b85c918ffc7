package io.actdb.cli;

import io.actdb.extractor.Extraction;
import java.io.PrintWriter;
import java.util.List;

/**
 * Shows an extraction's progress on a {@link ProgressMeter}: a bar with samples/s and ETA on a
 * terminal, a plain line every few seconds otherwise (logs, CI, tests).
 */
final class ExtractProgress implements Extraction.Progress, AutoCloseable {
  private final PrintWriter log;
  private final boolean announce;
  private ProgressMeter meter;

  /** Says which layers of which model it extracts, then meters the pass. */
  ExtractProgress(PrintWriter log) {
    this(log, true);
  }

  /**
   * @param announce print the model's layers and skipped layers before the pass (the demo prints
   *     its own summary line instead)
   */
  ExtractProgress(PrintWriter log, boolean announce) {
    this.log = log;
    this.announce = announce;
  }

  @Override
  public void started(String model, List<String> layers, List<String> skipped, int samples) {
    if (announce && !skipped.isEmpty()) {
      log.printf(
          "%s: already in the store for these samples, skipped: %s%n",
          model, String.join(", ", skipped));
    }
    if (layers.isEmpty()) return;
    if (announce) {
      log.printf("%s: extracting %s for %d samples%n", model, String.join(", ", layers), samples);
      log.flush();
    }
    close();
    meter = ProgressMeter.start(log, model, samples, "samples");
  }

  @Override
  public void advanced(int done) {
    if (meter != null) meter.stepTo(done);
  }

  @Override
  public void close() {
    if (meter != null) {
      meter.close();
      meter = null;
    }
  }
}
