package io.actdb.sql.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrent kernel callers share the cores: a call recruits helpers only for cores that no other
 * kernel caller or helper is using, and {@link KernelThreads#runWithParallelism} caps a thread's
 * calls. Counts of recruited helpers and of the threads that ran tasks, not timings.
 */
class KernelThreadsSharingTest {
  private static final int TASKS = 64;

  /**
   * Waits until no kernel work of an earlier test is counted (a test's callers on threads of its
   * own may still be on their way out). The bound only guards the build against hanging; it is no
   * measurement.
   */
  static void awaitIdle() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (KernelThreads.busyThreads() != 0) {
      assertTrue(
          System.nanoTime() < deadline,
          "kernel threads still busy: " + KernelThreads.busyThreads());
      Thread.sleep(1);
    }
  }

  @BeforeEach
  void idle() throws InterruptedException {
    awaitIdle();
  }

  @Test
  void aCallerAloneRecruitsAHelperForEveryOtherCore() {
    Set<Thread> ran = ConcurrentHashMap.newKeySet();
    int helpers =
        KernelThreads.forEach(
            KernelThreads.POOL_SIZE, TASKS, k -> ran.add(Thread.currentThread()), 0, k -> {});
    assertEquals(KernelThreads.POOL_SIZE - 1, helpers);
    assertTrue(ran.size() <= 1 + helpers, "tasks ran on " + ran.size() + " threads");
  }

  /**
   * A call gives its helpers' cores back before it returns, so the caller's next call (a kernel is
   * called block after block) finds them free, even while the helpers are still on their way out.
   */
  @Test
  void callAfterCallEachRecruitsItsHelpers() {
    for (int call = 0; call < 300; call++) {
      // Tasks long enough (some 20 µs) for the helpers to start and share them.
      int helpers =
          KernelThreads.forEach(KernelThreads.POOL_SIZE, TASKS, k -> spin(20_000), 0, k -> {});
      assertEquals(0, KernelThreads.busyThreads(), "cores still counted after call " + call);
      assertEquals(KernelThreads.POOL_SIZE - 1, helpers, "helpers of call " + call);
    }
  }

  @Test
  void aCallerBesideOneBusyCallerRecruitsOnlyForTheIdleCores() throws Exception {
    assumeTrue(KernelThreads.POOL_SIZE > 1, "one core: no helpers anyway");
    // Another caller (say, another DuckDB thread) is inside a single-threaded kernel call.
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread other = new Thread(() -> KernelThreads.forEach(1, 1, k -> hold(inside, release)));
    other.start();
    try {
      assertTrue(inside.await(1, TimeUnit.MINUTES), "the other caller never started");
      assertEquals(1, KernelThreads.busyThreads());
      Set<Thread> ran = ConcurrentHashMap.newKeySet();
      int helpers =
          KernelThreads.forEach(
              KernelThreads.POOL_SIZE, TASKS, k -> ran.add(Thread.currentThread()), 0, k -> {});
      // On two cores: two concurrent callers, one thread each.
      assertEquals(KernelThreads.POOL_SIZE - 2, helpers);
      assertTrue(ran.size() <= 1 + helpers, "tasks ran on " + ran.size() + " threads");
    } finally {
      release.countDown();
      other.join();
    }
    awaitIdle();
    assertEquals(
        KernelThreads.POOL_SIZE - 1,
        KernelThreads.forEach(KernelThreads.POOL_SIZE, TASKS, k -> {}, 0, k -> {}),
        "once the other caller is done, its core is free again");
  }

  @Test
  void helpersHoldTheirCoresToo() throws Exception {
    assumeTrue(KernelThreads.POOL_SIZE > 1, "one core: no helpers anyway");
    // One caller spread over every core: each of its threads waits inside a task.
    int cores = KernelThreads.POOL_SIZE;
    CountDownLatch inside = new CountDownLatch(cores);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger firstHelpers = new AtomicInteger(-1);
    Thread first =
        new Thread(
            () ->
                firstHelpers.set(
                    KernelThreads.forEach(cores, cores, k -> hold(inside, release), 0, k -> {})));
    first.start();
    try {
      assertTrue(inside.await(1, TimeUnit.MINUTES), "the first caller's threads never started");
      assertEquals(cores, KernelThreads.busyThreads());
      Set<Thread> ran = ConcurrentHashMap.newKeySet();
      int helpers =
          KernelThreads.forEach(cores, TASKS, k -> ran.add(Thread.currentThread()), 0, k -> {});
      assertEquals(0, helpers);
      assertEquals(Set.of(Thread.currentThread()), ran);
    } finally {
      release.countDown();
      first.join();
    }
    assertEquals(cores - 1, firstHelpers.get());
  }

  @Test
  void aCapOnTheThreadLimitsItsCallsAndNestedCalls() throws Exception {
    Set<Thread> ran = ConcurrentHashMap.newKeySet();
    AtomicInteger helpers = new AtomicInteger(-1);
    AtomicInteger nestedHelpers = new AtomicInteger();
    KernelThreads.runWithParallelism(
        1,
        () ->
            helpers.set(
                KernelThreads.forEach(
                    KernelThreads.POOL_SIZE,
                    TASKS,
                    k -> {
                      ran.add(Thread.currentThread());
                      nestedHelpers.addAndGet(
                          KernelThreads.forEach(KernelThreads.POOL_SIZE, 4, j -> {}, 0, j -> {}));
                    },
                    0,
                    k -> {})));
    assertEquals(0, helpers.get());
    assertEquals(0, nestedHelpers.get());
    assertEquals(Set.of(Thread.currentThread()), ran);
    assertEquals(
        KernelThreads.POOL_SIZE,
        KernelThreads.threadsFor(KernelThreads.POOL_SIZE, 1 << 20, 512, 0),
        "without a cap, a large call may use every core");
    AtomicInteger capped = new AtomicInteger();
    KernelThreads.runWithParallelism(
        1, () -> capped.set(KernelThreads.threadsFor(KernelThreads.POOL_SIZE, 1 << 20, 512, 0)));
    assertEquals(1, capped.get());
    // The cap ends with the body.
    awaitIdle();
    assertEquals(
        KernelThreads.POOL_SIZE - 1,
        KernelThreads.forEach(KernelThreads.POOL_SIZE, TASKS, k -> {}, 0, k -> {}));
  }

  @Test
  void aCapBelowOneIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> KernelThreads.runWithParallelism(0, () -> {}));
    assertEquals("parallelism must be >= 1, got 0", e.getMessage());
  }

  @Test
  void aFailedCallReleasesItsCores() throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    try {
      KernelThreads.forEach(
          KernelThreads.POOL_SIZE,
          TASKS,
          k -> {
            if (k == 3) throw new IllegalStateException("task 3 failed");
          });
    } catch (IllegalStateException e) {
      thrown.set(e);
    }
    assertEquals("task 3 failed", thrown.get().getMessage());
    awaitIdle(); // fails if the call's own or its helpers' cores stayed counted
  }

  /** Signals that a task is running, then waits (boundedly, against a hung build) for release. */
  private static void spin(long nanos) {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  private static void hold(CountDownLatch inside, CountDownLatch release) {
    inside.countDown();
    try {
      assertTrue(release.await(5, TimeUnit.MINUTES), "never released");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
