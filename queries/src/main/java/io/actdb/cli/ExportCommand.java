package io.actdb.cli;

import io.actdb.sql.StoreConnections;
import io.actdb.storage.LayerEntry;
import io.actdb.storage.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code actdb export --store S --parquet DIR}: a store's layers as hive-partitioned Parquet. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Write a store's layers as Parquet, for Spark or any other Parquet reader.",
      "Each layer becomes one dataset, <dir>/model=<model>/layer=<layer>/data_<n>.parquet"
          + " (hive partitioning; names percent-encoded as DuckDB and Spark expect), with the"
          + " columns sample_id (int64), vec (list of float32: Spark's array<float>), position"
          + " and token for token layers, and split, label and label_name when the store has"
          + " samples. A large layer is split into files of about 256 MB.",
      "The export is written beside <dir> and moved into place when complete: <dir> must be new"
          + " or empty, or, with --replace, a previous export (only model=... directories).",
    },
    footer = {
      "",
      "Examples:",
      "  ./actdb export --store acts --parquet acts-parquet",
      "  ./actdb export --store acts --model resnet18 --layer avgpool --parquet avgpool",
      "  ./actdb export --store acts --parquet acts-parquet --replace",
    })
final class ExportCommand extends ActdbCommand {
  /** Rows per Parquet row group are chosen so that a row group holds about this many bytes. */
  private static final long ROW_GROUP_BYTES = 64L << 20;

  @Option(
      names = "--store",
      required = true,
      paramLabel = "<dir>",
      description = "Store directory to read.")
  Path store;

  @Option(
      names = "--parquet",
      required = true,
      paramLabel = "<dir>",
      description = "Directory to write (new or empty; see --replace).")
  Path target;

  @Option(names = "--model", description = "Export only this model's layers.")
  String model;

  @Option(names = "--layer", description = "Export only layers of this name.")
  String layer;

  @Option(
      names = "--replace",
      description = "Replace <dir> when it holds a previous export (it is removed only then).")
  boolean replace;

  @Override
  protected void execute() throws Exception {
    if (!Files.isDirectory(store)) {
      throw new CommandFailure(
          "actdb export: no store at " + store + " (no such directory); give --store <dir>");
    }
    Store s = Store.open(store);
    List<LayerEntry> chosen = chosenLayers(s);
    Path dir = target.toAbsolutePath().normalize();
    checkTarget(s.directory().toAbsolutePath().normalize(), dir);

    Path parent = dir.getParent();
    Files.createDirectories(parent);
    Path staging = Files.createTempDirectory(parent, "." + dir.getFileName() + ".export-");
    try {
      long rows = 0;
      try (Connection c = StoreConnections.open(store);
          Statement st = c.createStatement()) {
        for (LayerEntry e : chosen) {
          st.execute(copyStatement(e, s.samplesFile() != null, staging));
          rows += e.rows();
          out().printf("%s/%s  %d rows, dim %d%n", e.model(), e.layer(), e.rows(), e.dim());
        }
      }
      if (Files.exists(dir)) deleteTree(dir);
      Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
      out().printf("exported %d layer(s), %d rows to %s%n", chosen.size(), rows, dir);
    } finally {
      if (Files.exists(staging)) deleteTree(staging);
    }
  }

  private List<LayerEntry> chosenLayers(Store s) throws CommandFailure {
    List<LayerEntry> chosen = new ArrayList<>();
    for (LayerEntry e : s.layers()) {
      if ((model == null || e.model().equals(model)) && (layer == null || e.layer().equals(layer)))
        chosen.add(e);
    }
    if (!chosen.isEmpty()) return chosen;
    if (s.layers().isEmpty()) {
      throw new CommandFailure("actdb export: " + store + " has no layers yet; nothing to export");
    }
    List<String> names = s.layers().stream().map(e -> e.model() + "/" + e.layer()).toList();
    throw new CommandFailure(
        "actdb export: "
            + store
            + " has no layer"
            + (model == null ? "" : " of model \"" + model + "\"")
            + (layer == null ? "" : " named \"" + layer + "\"")
            + "; it has "
            + String.join(", ", names)
            + " (see ./actdb info --store "
            + store
            + ")");
  }

  /**
   * Refuses a target that would overwrite what the user did not ask to lose: a non-empty directory
   * without --replace, anything but a previous export with it, and the store itself.
   */
  private void checkTarget(Path storeDir, Path dir) throws IOException, CommandFailure {
    if (dir.startsWith(storeDir) || storeDir.startsWith(dir)) {
      throw new CommandFailure(
          "actdb export: "
              + target
              + " is the store or holds it or lies inside it; choose a directory outside "
              + store);
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new CommandFailure(
          "actdb export: " + target + " is a file, not a directory; choose another --parquet");
    }
    if (!Files.isDirectory(dir) || isEmpty(dir)) return;
    if (!replace) {
      throw new CommandFailure(
          "actdb export: "
              + target
              + " is not empty; choose a new directory, or add --replace to overwrite a previous"
              + " export");
    }
    if (!isPreviousExport(dir)) {
      throw new CommandFailure(
          "actdb export: "
              + target
              + " holds files that are not an actdb export (only model=... directories are);"
              + " --replace removes only a previous export: choose another directory");
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      return !entries.iterator().hasNext();
    }
  }

  private static boolean isPreviousExport(Path dir) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (!Files.isDirectory(p) || !p.getFileName().toString().startsWith("model=")) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * One COPY per layer, so that each layer gets a row group size fitted to its dimension (a fixed
   * row count would make row groups of gigabytes at d = 4096); OVERWRITE_OR_IGNORE lets the layers
   * share the staging directory, whose partitions never collide.
   */
  static String copyStatement(LayerEntry e, boolean withSamples, Path staging) {
    long rowGroupRows = Math.max(1024, ROW_GROUP_BYTES / (4L * Math.max(1, e.dim())));
    String columns =
        "a.model, a.layer, a.sample_id, a.vec"
            + (e.tokenRows() ? ", a.position, a.token" : "")
            + (withSamples ? ", s.split, s.label, s.label_name" : "");
    return "COPY (SELECT "
        + columns
        + " FROM activations a"
        + (withSamples ? " LEFT JOIN samples s ON s.sample_id = a.sample_id" : "")
        + " WHERE a.model = "
        + literal(e.model())
        + " AND a.layer = "
        + literal(e.layer())
        + ") TO "
        + literal(staging.toString())
        + " (FORMAT parquet, PARTITION_BY (model, layer), OVERWRITE_OR_IGNORE, ROW_GROUP_SIZE "
        + rowGroupRows
        + ", FILE_SIZE_BYTES '256MB')";
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
