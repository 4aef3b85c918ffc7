package io.actdb.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * {@code actdb bench}: benchmarks that print {@code name=value} lines. They are not part of the
 * tests; compare their figures only with a yardstick measured in the same sitting (e.g. numpy's
 * fp32 GEMM rate, passed as {@code --sgemm-gflops}).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Examples:",
      "  ./actdb bench cka --n 10000 --dim 512",
      "  ./actdb bench ipr --n 2000 --dim 256"
    },
    description = "Benchmarks (name=value output).",
    subcommands = {
      CkaBenchmark.class,
      CkaMatrixBenchmark.class,
      CkaRbfBenchmark.class,
      IprBenchmark.class,
      GeomcaBenchmark.class,
      StoreBenchmark.class,
      ExtractBenchmark.class,
      StartupBenchmark.class,
      SparkBenchmark.class
    })
final class BenchCommand implements Runnable {
  @Override
  public void run() {
    throw new ParameterException(
        new CommandLine(this),
        "Missing benchmark: use one of cka, cka-matrix, cka-rbf, ipr, geomca, store, extract,"
            + " startup, spark");
  }
}
