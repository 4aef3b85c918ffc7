package io.actdb.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * The progress of one long task on stderr: on a terminal a progress bar with rate and ETA, redrawn
 * in place; otherwise (logs, CI, pipes, tests) a plain line with the count, rate and time left at
 * most every {@link #PLAIN_EVERY}, so that a log shows the task is alive without filling up.
 */
final class ProgressMeter implements AutoCloseable {
  static final Duration PLAIN_EVERY = Duration.ofSeconds(10);

  private final PrintWriter log;
  private final String task;
  private final long total;
  private final String unit;
  private final LongSupplier nanoClock;
  private final long startNanos;
  private final ProgressBar bar;
  private long lastLineNanos;

  /**
   * @param terminal draw a bar (stderr is a terminal) rather than plain lines
   * @param nanoClock time source of the plain lines, {@link System#nanoTime} outside tests
   */
  ProgressMeter(
      PrintWriter log,
      String task,
      long total,
      String unit,
      boolean terminal,
      LongSupplier nanoClock) {
    this.log = log;
    this.task = task;
    this.total = total;
    this.unit = unit;
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
    this.lastLineNanos = startNanos;
    this.bar =
        terminal
            ? new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(250)
                .build()
            : null;
  }

  /** A meter that draws a bar when the process has a terminal, plain lines otherwise. */
  static ProgressMeter start(PrintWriter log, String task, long total, String unit) {
    return new ProgressMeter(log, task, total, unit, onTerminal(), System::nanoTime);
  }

  static boolean onTerminal() {
    return System.console() != null && System.console().isTerminal();
  }

  /** {@code done} of the total are finished. */
  void stepTo(long done) {
    if (bar != null) {
      bar.stepTo(done);
      return;
    }
    long now = nanoClock.getAsLong();
    if (done >= total || now - lastLineNanos < PLAIN_EVERY.toNanos()) return;
    lastLineNanos = now;
    double seconds = (now - startNanos) / 1e9;
    double rate = done / Math.max(seconds, 1e-9);
    String left =
        done == 0 ? "time left unknown" : "about " + duration((total - done) / rate) + " left";
    log.printf(
        Locale.ROOT,
        "  %s: %d/%d %s (%d %%), %.0f %s/s, %s%n",
        task,
        done,
        total,
        unit,
        total == 0 ? 100 : done * 100 / total,
        rate,
        unit,
        left);
    log.flush();
  }

  /** "42 s", "3 min 5 s", "1 h 2 min". */
  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) return s + " s";
    if (s < 3600) return (s / 60) + " min " + (s % 60) + " s";
    return (s / 3600) + " h " + (s % 3600 / 60) + " min";
  }

  @Override
  public void close() {
    if (bar != null) bar.close();
  }
}
