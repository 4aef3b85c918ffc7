package io.actdb.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets a command that writes a store clean up when the user presses Ctrl-C (SIGINT) or the process
 * gets SIGTERM. The JVM then runs shutdown hooks but does not unwind the working thread, so its
 * try-with-resources blocks (temporary files deleted, new folders removed, lock released) would
 * never run. While open, a shutdown hook interrupts the working thread and holds the JVM until the
 * work has unwound past this object's {@link #close()}, for at most {@link #GRACE}.
 *
 * <p>Open it first in the try-with-resources that holds the store writer, so it closes last.
 */
final class InterruptCleanup implements AutoCloseable {
  static final Duration GRACE = Duration.ofSeconds(30);

  private final Thread worker = Thread.currentThread();
  private final CountDownLatch unwound = new CountDownLatch(1);
  private final Thread hook = new Thread(this::interruptAndWait, "actdb-interrupt-cleanup");
  private volatile boolean interrupted;

  InterruptCleanup() {
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Whether the process is shutting down and the work was interrupted for it. */
  boolean interrupted() {
    return interrupted;
  }

  private void interruptAndWait() {
    interrupted = true;
    worker.interrupt();
    try {
      unwound.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    unwound.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running and has just been released
    }
  }
}
