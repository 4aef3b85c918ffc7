package io.actdb.cli;

import io.actdb.cli.table.TextTable;
import io.actdb.cli.table.TextTable.Column;
import io.actdb.storage.LayerEntry;
import io.actdb.storage.Manifest;
import io.actdb.storage.Store;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code actdb info --store <dir>}: what a store holds, and whether its files are sound. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = {
      "Print a store's models and layers, and check its files.",
      "Layers come in forward order, with dims, row counts, one row per sample or per token, and"
          + " tokenizer. Every byte of each file is checked against"
          + " the CRC32C checksums recorded when the file was written (row counts where a store"
          + " written by an older actdb has none); --quick checks sizes, footers and schemas only.",
      "Exit status 1 when a file is missing, truncated, damaged or does not match the manifest.",
    },
    footer = {
      "",
      "Examples:",
      "  ./actdb info --store acts",
      "  ./actdb info --store acts --quick",
    })
final class InfoCommand extends ActdbCommand {
  @Option(names = "--store", paramLabel = "<dir>", description = "Store directory.")
  Path storeOption;

  @Parameters(
      arity = "0..1",
      paramLabel = "<store>",
      description = "Store directory, as an alternative to --store.")
  Path storeArgument;

  @Option(
      names = "--quick",
      description = "Check sizes, footers and schemas only (do not read every byte).")
  boolean quick;

  @Override
  protected void execute() throws Exception {
    if (storeOption != null && storeArgument != null && !storeOption.equals(storeArgument)) {
      throw new CommandFailure(
          "actdb info: two stores given (--store " + storeOption + " and " + storeArgument + ")");
    }
    Path store = storeOption != null ? storeOption : storeArgument;
    if (store == null) throw new CommandFailure("actdb info: which store? use --store <dir>");
    Store s = Store.open(store);
    Manifest m = s.manifest();
    out().printf("store    %s%n", s.directory());
    out().printf("format   %s %d, generation %d%n", m.format(), m.formatVersion(), m.generation());
    out()
        .printf(
            "samples  %s%n",
            m.samples() == null ? "none" : m.samples().rows() + " (" + m.samples().file() + ")");
    out().printf("models   %d, layers %d%n%n", m.models().size(), m.layers().size());
    // The manifest lists each model's layers in forward order (position), never by name.
    TextTable table =
        new TextTable(
            List.of(
                Column.text("model"),
                Column.text("layer"),
                Column.number("dim"),
                Column.number("rows"),
                Column.text("pooling"),
                Column.number("MiB"),
                Column.number("position"),
                Column.text("rows per"),
                Column.text("tokenizer")),
            TextTable.Style.COLUMN);
    for (LayerEntry e : m.layers()) {
      table.add(
          e.model(),
          e.layer(),
          Integer.toString(e.dim()),
          Long.toString(e.rows()),
          e.pooling(),
          String.format("%.1f", e.bytes() / (1024.0 * 1024.0)),
          Integer.toString(e.position()),
          e.granularity(),
          e.tokenizer() == null ? "-" : e.tokenizer());
    }
    if (!m.layers().isEmpty()) table.writeTo(out());
    List<String> problems;
    try (BufferAllocator allocator = new RootAllocator()) {
      problems = s.check(allocator, quick);
    }
    out().println();
    if (quick) {
      out().println("checked  sizes, footers and schemas (--quick: checksums not read)");
    } else if (s.hasChecksums()) {
      out().println("checked  every byte against the recorded CRC32C checksums");
    } else {
      out()
          .println(
              "checked  sizes, footers, schemas and row counts; no checksums recorded"
                  + " (files written by an older actdb)");
    }
    if (!problems.isEmpty()) {
      out().flush();
      err().println("problems:");
      for (String p : problems) err().println("  " + p);
      throw new CommandFailure(
          problems.size() + " damaged file(s); the other layers stay readable");
    }
  }
}
