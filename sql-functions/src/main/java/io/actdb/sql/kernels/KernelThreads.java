package io.actdb.sql.kernels;

import io.actdb.sql.spi.Cancellation;
import io.actdb.sql.spi.QueryCancelledException;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The threads that let one kernel call use several cores: DuckDB scans a small table on a single
 * thread, so a kernel call is often the only work in flight and must spread itself.
 *
 * <p>One pool of {@link #POOL_SIZE} daemon threads per JVM, started on first use. {@link #forEach}
 * cuts a call into numbered tasks; the caller and up to {@code threads - 1} pool threads claim them
 * from one counter until none is left, then the caller waits for the tasks already claimed. A
 * caller never waits for a task nobody has started, so nothing can deadlock: not a pool thread
 * calling in, not many callers at once with every pool thread busy (they then do their own tasks),
 * and a helper that starts after the job is done finds nothing to claim and returns.
 */
public final class KernelThreads {

  /** One thread per core: the kernels keep a core's FMA units busy, so more would only queue. */
  public static final int POOL_SIZE = Runtime.getRuntime().availableProcessors();

  /**
   * Spins of a thread waiting for the first stage before it yields its core instead. An x86 {@code
   * pause} lasts tens of cycles, so this is about as long as a packing task: past it, the packer
   * has most likely lost its core to another process, and spinning would only delay it.
   */
  static final int SPINS_BEFORE_YIELD = 1 << 14;

  /**
   * Spins of a caller waiting for its helpers' last tasks before it parks. About as long as a
   * parked thread takes to run again once woken (tens of µs in a VM, and on the critical path of
   * every call): spinning longer would cost more than it can save.
   */
  static final int SPINS_BEFORE_PARK = 1 << 11;

  private KernelThreads() {}

  /**
   * Threads at kernel work in this JVM: the callers inside {@link #forEach} and the helpers they
   * recruited, each helper counted from the moment it is recruited until its caller's call ends.
   */
  private static final AtomicInteger BUSY = new AtomicInteger();

  /** What this thread's kernel calls are bound by; see {@link Context}. */
  private static final ThreadLocal<Context> CONTEXT = ThreadLocal.withInitial(Context::new);

  /** One thread's part in the counting. */
  private static final class Context {
    /** Whether this thread already counts in {@link #BUSY}: a helper, or a caller inside a call. */
    boolean counted;

    /** The most threads one call on this thread may use, the thread itself included. */
    int parallelism = Integer.MAX_VALUE;
  }

  /** Threads at kernel work in this JVM now: callers inside a call and their helpers. */
  static int busyThreads() {
    return BUSY.get();
  }

  /**
   * Runs {@code body} on this thread with every kernel call in it (and in the helpers those calls
   * recruit) using at most {@code parallelism} threads, the caller included: for an engine that
   * gives its work a share of the cores, such as a Spark task its {@code spark.task.cpus}. Results
   * do not depend on it.
   *
   * @throws IllegalArgumentException when {@code parallelism < 1}
   */
  public static void runWithParallelism(int parallelism, Runnable body) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }
    Context context = CONTEXT.get();
    int outer = context.parallelism;
    context.parallelism = Math.min(outer, parallelism);
    try {
      body.run();
    } finally {
      context.parallelism = outer;
    }
  }

  /**
   * The most threads a kernel call on this thread may use, the caller included: the innermost
   * {@link #runWithParallelism} around it, or {@link #POOL_SIZE}.
   */
  public static int parallelismCap() {
    return Math.min(CONTEXT.get().parallelism, POOL_SIZE);
  }

  /**
   * Counts up to {@code wanted} more threads as busy, as many as there are idle cores, and returns
   * how many it counted.
   */
  private static int reserveHelpers(int wanted) {
    while (wanted > 0) {
      int busy = BUSY.get();
      int granted = Math.min(wanted, POOL_SIZE - busy);
      if (granted <= 0) {
        return 0;
      }
      if (BUSY.compareAndSet(busy, busy + granted)) {
        return granted;
      }
    }
    return 0;
  }

  /** Lazy holder: no thread is created by a JVM that never runs a parallel call. */
  private static final class Pool {
    static final Executor EXECUTOR = create();

    private static Executor create() {
      AtomicInteger count = new AtomicInteger();
      ThreadFactory factory =
          task -> {
            Thread t = new Thread(task, "actdb-kernels-" + count.incrementAndGet());
            t.setDaemon(true); // never keeps the JVM (or a DuckDB host process) alive
            return t;
          };
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              POOL_SIZE, POOL_SIZE, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
      pool.allowCoreThreadTimeOut(true); // idle for 30 s: give the threads back
      return pool;
    }
  }

  /**
   * Returns how many threads a call with this {@code parallelism} should use: {@code 1} when its
   * work ({@code rows * dim * dim}) is below {@code minWork}, where waking a helper and sharing the
   * data would cost more than it saves, and never more than there are cores.
   */
  static int threadsFor(int parallelism, int rows, int dim, long minWork) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }
    if ((long) rows * dim * dim < minWork) {
      return 1;
    }
    return Math.min(Math.min(parallelism, CONTEXT.get().parallelism), POOL_SIZE);
  }

  /**
   * Runs {@code task.accept(k)} once for every {@code 0 <= k < count}, in no particular order, on
   * the calling thread and up to {@code threads - 1} pool threads (fewer when other kernel work
   * holds cores, see {@link #busyThreads}, or when {@link #runWithParallelism} says so), and
   * returns when all have finished. Whatever a task wrote is visible to the caller on return.
   *
   * @throws RuntimeException or {@link Error} the first one a task threw (the tasks not yet started
   *     are then skipped); {@link QueryCancelledException} once the caller's query is cancelled
   *     (checked before each task, on every thread)
   */
  public static void forEach(int threads, int count, IntConsumer task) {
    forEach(threads, count, task, 0, k -> {});
  }

  /**
   * {@link #forEach(int, int, IntConsumer)} in two stages: {@code first.accept(k)} for every {@code
   * 0 <= k < firstCount}, then, once all of those have finished, {@code then.accept(k)} for every
   * {@code 0 <= k < thenCount}. One job, so the helpers are woken once for both stages: in a VM a
   * parked thread takes some 50 µs to run again, as long as a whole small problem.
   *
   * <p>A thread that claims a second-stage task before the first stage is done spins until it is.
   * The wait is short: tasks are claimed in order, so by then every first-stage task is already
   * running, and first stages are kept to small tasks (copies).
   *
   * @return how many pool threads the call recruited
   */
  static int forEach(
      int threads, int firstCount, IntConsumer first, int thenCount, IntConsumer then) {
    Context context = CONTEXT.get();
    if (context.counted) {
      // Nested in a kernel call: this thread already counts.
      return run(context, threads, firstCount, first, thenCount, then);
    }
    BUSY.incrementAndGet();
    context.counted = true;
    try {
      return run(context, threads, firstCount, first, thenCount, then);
    } finally {
      context.counted = false;
      BUSY.decrementAndGet();
    }
  }

  /** {@link #forEach} on a thread that counts as busy; returns the number of helpers recruited. */
  private static int run(
      Context context,
      int threads,
      int firstCount,
      IntConsumer first,
      int thenCount,
      IntConsumer then) {
    int count = firstCount + thenCount;
    int wanted = Math.min(Math.min(threads, context.parallelism), count) - 1;
    int helpers = reserveHelpers(Math.min(wanted, POOL_SIZE - 1));
    if (helpers <= 0) {
      for (int k = 0; k < firstCount; k++) {
        Cancellation.checkpoint();
        first.accept(k);
      }
      for (int k = 0; k < thenCount; k++) {
        Cancellation.checkpoint();
        then.accept(k);
      }
      return 0;
    }
    Job job =
        new Job(
            firstCount,
            first,
            thenCount,
            then,
            Thread.currentThread(),
            Cancellation.current(),
            context.parallelism);
    int submitted = 0;
    try {
      for (; submitted < helpers; submitted++) {
        Pool.EXECUTOR.execute(job::help);
      }
    } catch (RejectedExecutionException e) {
      // Cannot happen with an unbounded queue. If it did, the caller would do the rest itself.
    }
    try {
      job.work();
      job.awaitAll();
    } finally {
      // Every task has ended, so no helper is still at work: their cores are free now, whether
      // they are still on their way out of the job or have not even started. Were each helper to
      // give its core back itself, on its way out, the caller's next call would often find it not
      // yet given back and run alone.
      BUSY.addAndGet(-helpers);
    }
    return submitted;
  }

  /**
   * Cuts the rows {@code 0 .. dim-1} of an upper triangle into at most {@code parts} ranges that
   * start at multiples of {@code step} and cover about equal areas (a row {@code i} has {@code dim
   * - i} entries, so the early ranges are the short ones). Returns the {@code ranges + 1} bounds,
   * from {@code 0} to {@code dim}.
   */
  static int[] splitTriangle(int dim, int step, int parts) {
    int steps = (dim + step - 1) / step;
    parts = Math.max(1, Math.min(parts, steps));
    int[] bounds = new int[parts + 1];
    double total = area(dim, dim);
    int b = 1;
    for (int s = 1; s < steps && b < parts; s++) {
      if (area(s * step, dim) >= total * b / parts) {
        bounds[b++] = s * step;
      }
    }
    bounds[b] = dim;
    return b == parts ? bounds : Arrays.copyOf(bounds, b + 1);
  }

  /** Entries of the upper triangle in rows {@code 0 .. i-1}. */
  private static double area(int i, int dim) {
    return (double) i * dim - (double) i * (i - 1) / 2;
  }

  /** One {@link #forEach} call: the tasks, the claim counter and the completion counts. */
  private static final class Job {
    private final int firstCount;
    private final int count;
    private final Thread caller;
    private final Cancellation cancellation;
    private final int parallelism;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger firstFinished = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    // Read only after claiming a task, and cleared by the caller once every claimed task is done,
    // so a helper that starts late does not keep the caller's arrays reachable.
    private IntConsumer first;
    private IntConsumer then;

    Job(
        int firstCount,
        IntConsumer first,
        int thenCount,
        IntConsumer then,
        Thread caller,
        Cancellation cancellation,
        int parallelism) {
      this.firstCount = firstCount;
      this.count = firstCount + thenCount;
      this.first = first;
      this.then = then;
      this.caller = caller;
      this.cancellation = cancellation;
      this.parallelism = parallelism;
    }

    /**
     * A recruited pool thread's part: {@link #work} under the caller's cap. Its core is counted as
     * busy from its recruiting until the caller's call ends ({@link #run} gives it back).
     */
    void help() {
      Context context = CONTEXT.get();
      context.counted = true;
      context.parallelism = parallelism;
      try {
        work();
      } finally {
        context.parallelism = Integer.MAX_VALUE;
        context.counted = false;
      }
    }

    /** Claims and runs tasks on this thread, under the caller's cancellation binding. */
    void work() {
      Cancellation.runWith(cancellation, this::claimTasks);
    }

    private void claimTasks() {
      for (int k = next.getAndIncrement(); k < count; k = next.getAndIncrement()) {
        try {
          if (cancellation.isCancelled()) {
            failure.compareAndSet(null, new QueryCancelledException());
          }
          if (k < firstCount) {
            if (failure.get() == null) {
              first.accept(k);
            }
          } else {
            for (int spins = 0; firstFinished.get() < firstCount; spins++) {
              if (spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
              } else {
                Thread.yield();
              }
            }
            if (failure.get() == null) {
              then.accept(k - firstCount);
            }
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        } finally {
          if (k < firstCount) {
            firstFinished.incrementAndGet();
          }
          if (finished.incrementAndGet() == count) {
            LockSupport.unpark(caller);
          }
        }
      }
    }

    /**
     * Waits, uninterruptibly, for the claimed tasks: they write into the caller's arrays. Spins
     * first, as the last tasks often end within a wake-up's time.
     */
    void awaitAll() {
      boolean interrupted = false;
      for (int spins = 0; spins < SPINS_BEFORE_PARK && finished.get() < count; spins++) {
        Thread.onSpinWait();
      }
      while (finished.get() < count) {
        LockSupport.park(this);
        interrupted |= Thread.interrupted();
      }
      first = null;
      then = null;
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      Throwable t = failure.get();
      if (t instanceof RuntimeException e) {
        throw e;
      }
      if (t instanceof Error e) {
        throw e;
      }
      if (t != null) {
        throw new IllegalStateException(t);
      }
    }
  }
}
