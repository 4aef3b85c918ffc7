package io.actdb.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.actdb.sql.kernels.KernelThreads;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.Test;

/** A Spark task's kernel calls use the cores the task owns (spark.task.cpus), not every core. */
class TaskCoresTest {

  @Test
  void insideATaskTheKernelsGetTheTasksCores() {
    // Two partitions on local[2]: each task owns one core (spark.task.cpus is 1 by default).
    List<Integer> caps =
        LocalSpark.get()
            .range(0, 2, 1, 2)
            .mapPartitions(
                (MapPartitionsFunction<Long, Integer>)
                    rows -> List.of(TaskCores.call(KernelThreads::parallelismCap)).iterator(),
                Encoders.INT())
            .collectAsList();
    assertEquals(List.of(1, 1), caps);
  }

  @Test
  void theCapEndsWithTheBodyAndOutsideATaskThereIsNone() {
    assertEquals(KernelThreads.POOL_SIZE, (int) TaskCores.call(KernelThreads::parallelismCap));
    int[] inside = new int[1];
    KernelThreads.runWithParallelism(
        1, () -> inside[0] = TaskCores.call(KernelThreads::parallelismCap));
    assertEquals(1, inside[0]);
    assertEquals(KernelThreads.POOL_SIZE, KernelThreads.parallelismCap());
  }
}
