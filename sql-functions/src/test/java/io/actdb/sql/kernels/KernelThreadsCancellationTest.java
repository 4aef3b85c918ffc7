package io.actdb.sql.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.spi.Cancellation;
import io.actdb.sql.spi.QueryCancelledException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pool's helpers see the caller's cancellation: a cancelled call stops claiming tasks. */
class KernelThreadsCancellationTest {

  @Test
  void aCancelStopsTheRemainingTasksOnEveryThread() {
    AtomicBoolean cancelled = new AtomicBoolean();
    AtomicInteger ran = new AtomicInteger();
    int tasks = 10_000;
    assertThrows(
        QueryCancelledException.class,
        () ->
            Cancellation.runWith(
                cancelled::get,
                () ->
                    KernelThreads.forEach(
                        KernelThreads.POOL_SIZE,
                        tasks,
                        k -> {
                          if (ran.incrementAndGet() == 100) cancelled.set(true);
                        })));
    // Tasks already claimed finish; at most one per thread after the one that cancelled.
    assertTrue(ran.get() <= 100 + KernelThreads.POOL_SIZE, "ran " + ran.get() + " tasks");
  }

  @Test
  void aSingleThreadedCallChecksToo() {
    AtomicBoolean cancelled = new AtomicBoolean();
    AtomicInteger ran = new AtomicInteger();
    assertThrows(
        QueryCancelledException.class,
        () ->
            Cancellation.runWith(
                cancelled::get,
                () ->
                    KernelThreads.forEach(1, 50, k -> cancelled.set(ran.incrementAndGet() == 7))));
    assertEquals(7, ran.get());
  }

  @Test
  void withoutABindingNothingIsCancelled() {
    AtomicInteger ran = new AtomicInteger();
    KernelThreads.forEach(KernelThreads.POOL_SIZE, 1000, k -> ran.incrementAndGet());
    assertEquals(1000, ran.get());
    Cancellation.checkpoint(); // outside any bridge callback: never throws
  }
}
