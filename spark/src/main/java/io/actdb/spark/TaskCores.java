package io.actdb.spark;

import io.actdb.sql.kernels.KernelThreads;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;

/**
 * Keeps the kernels of a Spark task on the cores Spark gave it ({@code spark.task.cpus}, 1 by
 * default): Spark runs as many tasks at once as an executor has cores, so a task whose Gram update
 * spread over every core would compete with the tasks beside it. Outside a task (on the driver) the
 * kernels may use every core.
 */
final class TaskCores {
  private TaskCores() {}

  /** Runs {@code body} with the kernel calls in it limited to the current task's cores. */
  static void run(Runnable body) {
    TaskContext task = TaskContext.get();
    if (task == null) {
      body.run();
      return;
    }
    KernelThreads.runWithParallelism(Math.max(1, task.cpus()), body);
  }

  /** {@link #run} for a body with a result. */
  static <T> T call(Supplier<T> body) {
    TaskContext task = TaskContext.get();
    if (task == null) return body.get();
    Object[] result = new Object[1];
    KernelThreads.runWithParallelism(Math.max(1, task.cpus()), () -> result[0] = body.get());
    @SuppressWarnings("unchecked")
    T value = (T) result[0];
    return value;
  }
}
