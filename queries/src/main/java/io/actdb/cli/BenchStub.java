package io.actdb.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code actdb bench} as the CLI lists it. The benchmarks are a module of their own, outside the
 * CLI's class path and the JDBC jar: the {@code ./actdb} launcher runs {@code actdb bench ...} from
 * {@code benchmarks/target}. This command is reached only when the CLI is started without the
 * launcher, and says so.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks (name=value output).",
    footer = {
      "",
      "The benchmarks (cka, ipr, geomca, store, extract) run through the ./actdb launcher:",
      "./actdb bench --help lists them.",
      "",
      "Examples:",
      "  ./actdb bench cka --n 10000 --dim 512",
      "  ./actdb bench ipr --n 2000 --dim 256",
    })
final class BenchStub extends ActdbCommand {
  /** Whatever follows {@code bench}: the answer is the same. */
  @Unmatched List<String> arguments;

  @Override
  protected void execute() throws CommandFailure {
    throw new CommandFailure(
        "actdb: the benchmarks are not on the CLI's class path; run them with ./actdb bench ..."
            + " (or java -cp \"benchmarks/target/actdb-benchmarks.jar:benchmarks/target/lib/*\""
            + " io.actdb.bench.Bench bench ..., with the JVM flags the README lists)");
  }
}
