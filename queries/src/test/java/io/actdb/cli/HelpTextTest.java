package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.actdb.extractor.data.FashionMnist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Help and usage errors: every command's help ends with examples, a wrong value of an option with a
 * fixed set of values is answered in plain words (no exception class), and {@code train} without
 * Debian's Fashion-MNIST says how to train on the images that ship with actdb.
 */
class HelpTextTest {
  @TempDir Path dir;

  /** Every command and subcommand below the root, by its qualified name. */
  static List<CommandLine> allCommands() {
    List<CommandLine> out = new ArrayList<>();
    List<CommandLine> pending = new ArrayList<>(Actdb.commandLine().getSubcommands().values());
    while (!pending.isEmpty()) {
      CommandLine c = pending.removeFirst();
      out.add(c);
      pending.addAll(c.getSubcommands().values());
    }
    return out;
  }

  @Test
  void everyCommandsHelpEndsWithExamples() {
    List<CommandLine> commands = allCommands();
    assertTrue(commands.size() >= 12, commands.size() + " commands");
    for (CommandLine c : commands) {
      String name = c.getCommandSpec().qualifiedName();
      String usage = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
      assertTrue(usage.contains("\nExamples:\n  ./actdb "), name + " has no examples:\n" + usage);
      // an example picocli had to wrap could not be pasted into a shell
      List<String> printed = usage.lines().toList();
      List<String> footer = List.of(c.getCommandSpec().usageMessage().footer());
      for (String line : footer.subList(footer.indexOf("Examples:"), footer.size())) {
        assertTrue(printed.contains(line), name + ": wrapped: " + line + "\n" + usage);
      }
    }
  }

  @Test
  void theHelpOfACommandPrintsItsExamples() {
    Cli.Result help = Cli.run("help", "info");
    assertEquals(0, help.status(), help.err());
    assertTrue(help.out().contains("Examples:\n  ./actdb info --store acts\n"), help.out());
    Cli.Result option = Cli.run("plot", "heatmap", "--help");
    assertTrue(option.out().contains("Examples:\n  ./actdb plot heatmap "), option.out());
  }

  @Test
  void theRootListsEachCommandWithAWholeSentence() {
    String usage = Actdb.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
    for (String name : List.of("info", "models")) {
      String line =
          usage.lines().filter(l -> l.startsWith("  " + name + " ")).findFirst().orElseThrow();
      assertTrue(line.strip().endsWith("."), "summary of " + name + " runs on: " + line);
    }
  }

  @Test
  void wrongFormatNamesAreUsageErrorsInPlainWords() {
    Cli.Result sql = Cli.run("sql", "--format", "xml", "-c", "SELECT 1");
    assertEquals(2, sql.status());
    assertPlainUsageError(sql, "--format", "xml");
    Cli.Result plot =
        Cli.run(
            "plot",
            "heatmap",
            "--format",
            "png,gif",
            "-c",
            "SELECT 'a', 'b', 1.0",
            "--out",
            dir.resolve("chart").toString());
    assertEquals(2, plot.status());
    assertPlainUsageError(plot, "--format", "gif");
    assertTrue(plot.err().contains("png or svg"), plot.err());
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "nothing is drawn after a usage error");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void otherFixedChoicesNameTheChoices() {
    Path store = dir.resolve("store");
    Cli.Result pool =
        Cli.run("extract", "--model", "cnn", "--pool", "bogus", "--store", store + "");
    assertNotEquals(0, pool.status());
    assertPlainUsageError(pool, "--pool", "bogus");
    assertTrue(pool.err().contains("avg") && pool.err().contains("flatten"), pool.err());
    Cli.Result device =
        Cli.run("extract", "--model", "cnn", "--device", "tpu", "--store", store + "");
    assertNotEquals(0, device.status());
    assertPlainUsageError(device, "--device", "tpu");
    assertFalse(Files.exists(store), "a refused run creates no store");
  }

  @Test
  void trainWithoutDebiansImagesSuggestsTheEmbeddedOnes() throws Exception {
    assumeTrue(
        FashionMnist.installedTrain().isEmpty(),
        "Debian's dataset-fashion-mnist is installed here: train's default data exists");
    Path models = dir.resolve("models");
    Cli.Result train = Cli.run("train", "--arch", "cnn", "--epochs", "1", "--out", models + "");
    assertEquals(1, train.status(), train.err());
    assertTrue(train.err().contains("dataset-fashion-mnist"), train.err());
    assertTrue(train.err().contains("--data fashion-mnist:test"), train.err());
    assertFalse(train.err().contains("Exception"), train.err());
    assertFalse(Files.exists(models.resolve("cnn-s0-e001.params")));
  }

  private static void assertPlainUsageError(Cli.Result run, String option, String value) {
    String err = run.err();
    assertTrue(err.contains(option) && err.contains(value), err);
    assertFalse(err.contains("Exception"), err);
    assertFalse(err.contains("java."), err);
    assertFalse(err.contains("Usage:"), "the whole help is not printed:\n" + err);
  }
}
