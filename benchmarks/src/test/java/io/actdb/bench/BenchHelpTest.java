package io.actdb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code actdb bench --help} lists each benchmark in a whole sentence, and each has examples. */
class BenchHelpTest {
  private static CommandLine bench() {
    return Bench.commandLine().getSubcommands().get("bench");
  }

  @Test
  void everyBenchmarkIsListedWithASummaryThatEndsItsSentence() {
    String usage = bench().getUsageMessage(CommandLine.Help.Ansi.OFF);
    Map<String, CommandLine> benchmarks = bench().getSubcommands();
    assertEquals(
        List.of(
            "cka",
            "cka-matrix",
            "cka-rbf",
            "ipr",
            "geomca",
            "store",
            "extract",
            "startup",
            "spark"),
        List.copyOf(benchmarks.keySet()));
    for (String name : benchmarks.keySet()) {
      String entry = listEntry(usage, name);
      assertTrue(entry.endsWith("."), name + "'s summary is cut: '" + entry + "'\n" + usage);
    }
  }

  @Test
  void everyBenchmarkUsageHasExamples() {
    assertTrue(bench().getUsageMessage().contains("Examples:"));
    for (var benchmark : bench().getSubcommands().entrySet()) {
      String usage = benchmark.getValue().getUsageMessage(CommandLine.Help.Ansi.OFF);
      assertTrue(
          usage.contains("Examples:\n  ./actdb bench " + benchmark.getKey()),
          benchmark.getKey() + ":\n" + usage);
      List<String> footer = List.of(benchmark.getValue().getCommandSpec().usageMessage().footer());
      for (String line : footer.subList(footer.indexOf("Examples:"), footer.size())) {
        assertTrue(usage.lines().toList().contains(line), "wrapped: " + line + "\n" + usage);
      }
    }
  }

  @Test
  void descriptionsAreParagraphsThatPicocliWraps() {
    // A description given as lines cut by hand at some width reads as broken sentences once
    // picocli wraps them again at the terminal's width: each element must be a whole paragraph.
    for (String name : List.of("cka", "cka-matrix", "spark")) {
      CommandLine benchmark = bench().getSubcommands().get(name);
      for (String paragraph : benchmark.getCommandSpec().usageMessage().description()) {
        assertTrue(
            paragraph.endsWith("."), name + "'s description has a cut paragraph: " + paragraph);
      }
    }
  }

  @Test
  void ckaTellsHowToSkipTheCcaFamily() {
    String usage = bench().getSubcommands().get("cka").getUsageMessage(CommandLine.Help.Ansi.OFF);
    assertTrue(usage.contains("--no-cca"), usage);
  }

  /** The text of one entry of the command list, its wrapped lines joined. */
  private static String listEntry(String usage, String name) {
    List<String> lines = List.of(usage.split("\n"));
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("  " + name + " ")) start = i;
    }
    assertTrue(start >= 0, name + " not listed:\n" + usage);
    List<String> parts = new ArrayList<>();
    parts.add(lines.get(start).substring(2 + name.length()).strip());
    // continuation lines are indented deeper than the names
    for (int i = start + 1; i < lines.size() && lines.get(i).startsWith("        "); i++) {
      parts.add(lines.get(i).strip());
    }
    return String.join(" ", parts);
  }
}
