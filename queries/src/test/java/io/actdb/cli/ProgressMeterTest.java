package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Plain-line mode (no terminal), driven by a hand-set clock: nothing here waits. */
class ProgressMeterTest {
  private static final long SECOND = 1_000_000_000L;

  private final StringWriter text = new StringWriter();
  private final PrintWriter log = new PrintWriter(text);
  private final AtomicLong now = new AtomicLong(5 * SECOND);

  private List<String> lines() {
    log.flush();
    return text.toString().lines().toList();
  }

  @Test
  void printsALineAtMostEveryTenSecondsWithCountRateAndTimeLeft() {
    try (ProgressMeter meter = new ProgressMeter(log, "cnn-s1", 1000, "samples", false, now::get)) {
      now.addAndGet(4 * SECOND);
      meter.stepTo(100); // 4 s in: too early for a line
      assertEquals(List.of(), lines());
      now.addAndGet(6 * SECOND);
      meter.stepTo(250); // 10 s in: 25 samples/s, 750 left = 30 s
      now.addAndGet(5 * SECOND);
      meter.stepTo(400); // 5 s after the last line: none
      now.addAndGet(5 * SECOND);
      meter.stepTo(500); // 20 s in: 25/s, 500 left = 20 s
      now.addAndGet(60 * SECOND);
      meter.stepTo(600); // 80 s in: 7.5/s, 400 left = 53.3 s
      now.addAndGet(60 * SECOND);
      meter.stepTo(1000); // done: the caller's own summary line follows, the meter adds none
    }
    assertEquals(
        List.of(
            "  cnn-s1: 250/1000 samples (25 %), 25 samples/s, about 30 s left",
            "  cnn-s1: 500/1000 samples (50 %), 25 samples/s, about 20 s left",
            "  cnn-s1: 600/1000 samples (60 %), 8 samples/s, about 53 s left"),
        lines());
  }

  @Test
  void longWaitsAreShownInMinutesAndHours() {
    assertEquals("59 s", ProgressMeter.duration(59.4));
    assertEquals("2 min 5 s", ProgressMeter.duration(125));
    assertEquals("1 h 1 min", ProgressMeter.duration(3 * 1200 + 61));
  }

  @Test
  void trainingGetsOneMeterPerEpochNamedAfterRunAndEpoch() {
    List<String> tasks = new ArrayList<>();
    try (TrainingProgress progress =
        new TrainingProgress(
            "cnn-s1",
            2,
            (task, samples) -> {
              tasks.add(task + " of " + samples);
              return new ProgressMeter(log, task, samples, "samples", false, now::get);
            })) {
      for (int epoch = 1; epoch <= 2; epoch++) {
        for (int done = 64; done < 200; done += 64) {
          now.addAndGet(7 * SECOND);
          progress.batchDone(epoch, done, 200);
        }
        progress.batchDone(epoch, 200, 200);
        progress.epochDone(epoch, 0.5, 0.8, 18);
      }
    }
    assertEquals(List.of("cnn-s1 epoch 1/2 of 200", "cnn-s1 epoch 2/2 of 200"), tasks);
    // An epoch's meter starts at its first batch (64 done); 7 s later 128 are done (too early for
    // a line), 14 s later 192: 192 / 14 s = 13.7 samples/s, 8 left = 0.6 s; the last batch prints
    // nothing.
    assertEquals(
        List.of(
            "  cnn-s1 epoch 1/2: 192/200 samples (96 %), 14 samples/s, about 1 s left",
            "  cnn-s1 epoch 2/2: 192/200 samples (96 %), 14 samples/s, about 1 s left"),
        lines());
  }
}
