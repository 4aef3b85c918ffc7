package io.actdb.sql.spi;

import java.util.function.Supplier;

/**
 * Whether the query a piece of work belongs to has been cancelled.
 *
 * <p>The work does not take it as a parameter: the engine bridge binds it for the duration of a
 * callback ({@link #runWith}), and long loops call {@link #checkpoint()}, which reads the binding
 * of the current thread. That keeps the aggregates' and kernels' signatures free of it, and code
 * run outside the bridge (tests, benchmarks, another engine) is never cancelled. Threads that help
 * a call ({@code KernelThreads}) take over the caller's binding with {@link #current()}.
 *
 * <p>Loops call {@link #checkpoint()} about once per tile row or block of work (well under 100 ms
 * apart), not per element: it is a scoped-value read and a volatile read.
 */
@FunctionalInterface
public interface Cancellation {

  /** True once the query has been cancelled; cheap, and safe to call from any thread. */
  boolean isCancelled();

  /** Never cancelled: the binding of a thread outside any bridge callback. */
  Cancellation NEVER = () -> false;

  /** The binding of the current thread, {@link #NEVER} when there is none. */
  static Cancellation current() {
    return Binding.CURRENT.orElse(NEVER);
  }

  /**
   * Throws {@link QueryCancelledException} if the current thread's query has been cancelled.
   *
   * @throws QueryCancelledException when cancelled
   */
  static void checkpoint() {
    if (Binding.CURRENT.isBound() && Binding.CURRENT.get().isCancelled()) {
      throw new QueryCancelledException();
    }
  }

  /** Runs {@code work} with {@code cancellation} bound as {@link #current()}. */
  static void runWith(Cancellation cancellation, Runnable work) {
    ScopedValue.where(Binding.CURRENT, cancellation).run(work);
  }

  /** Calls {@code work} with {@code cancellation} bound as {@link #current()}. */
  static <T> T callWith(Cancellation cancellation, Supplier<T> work) {
    return ScopedValue.where(Binding.CURRENT, cancellation).call(work::get);
  }

  /** Holder of the scoped value, so that it is not a public constant of the interface. */
  final class Binding {
    private Binding() {}

    private static final ScopedValue<Cancellation> CURRENT = ScopedValue.newInstance();
  }
}
