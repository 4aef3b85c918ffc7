package io.actdb.cli;

import io.actdb.extractor.Extraction;
import java.io.PrintWriter;
import java.util.List;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Shows an extraction's progress: a progress bar with samples/s and ETA on a terminal, a line every
 * tenth of the way otherwise (logs, CI, tests).
 */
final class ExtractProgress implements Extraction.Progress, AutoCloseable {
  private final PrintWriter log;
  private final boolean terminal;
  private ProgressBar bar;
  private int total;
  private int nextLine;
  private long startNanos;

  ExtractProgress(PrintWriter log) {
    this.log = log;
    this.terminal = System.console() != null && System.console().isTerminal();
  }

  @Override
  public void started(String model, List<String> layers, List<String> skipped, int samples) {
    total = samples;
    startNanos = System.nanoTime();
    if (!skipped.isEmpty()) {
      log.printf(
          "%s: already in the store for these samples, skipped: %s%n",
          model, String.join(", ", skipped));
    }
    if (layers.isEmpty()) return;
    log.printf("%s: extracting %s for %d samples%n", model, String.join(", ", layers), samples);
    log.flush();
    if (terminal) {
      bar =
          new ProgressBarBuilder()
              .setTaskName(model)
              .setInitialMax(samples)
              .setUnit(" img", 1)
              .showSpeed()
              .setConsumer(new ConsoleProgressBarConsumer(System.err))
              .setUpdateIntervalMillis(250)
              .build();
    } else {
      nextLine = Math.max(1, samples / 10);
    }
  }

  @Override
  public void advanced(int done) {
    if (bar != null) {
      bar.stepTo(done);
    } else if (done >= nextLine && done < total) {
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      double rate = done / Math.max(seconds, 1e-9);
      log.printf(
          "  %d/%d samples, %.0f/s, about %.0f s left%n", done, total, rate, (total - done) / rate);
      log.flush();
      nextLine = Math.min(total, done + Math.max(1, total / 10));
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
