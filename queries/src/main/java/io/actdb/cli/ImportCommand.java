package io.actdb.cli;

import io.actdb.sql.ActivationImport;
import io.actdb.storage.StoreException;
import io.actdb.storage.StoreNames;
import io.actdb.storage.StoreWriter;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code actdb import}: activations computed elsewhere into a store. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import a layer's activations from a Parquet or Arrow IPC file.",
      "The file (e.g. written by PyTorch + pyarrow) has one row per sample: an integer sample id"
          + " and a float vector (fixed-size or variable list of float32/float64). Samples new to"
          + " the store are added (with the file's split, label and label_name columns when it has"
          + " them). The layer appears in the store only once the whole file was read and checked."
          + " An existing layer of that name is replaced only with --replace, as in extract.",
    },
    footer = {
      "",
      "Examples:",
      "  ./actdb import --store acts --model resnet18 --layer avgpool feats.parquet",
      "  ./actdb import --store acts --model vit --layer cls \\",
      "      --sample-id idx --vector emb feats.arrow",
    })
final class ImportCommand extends ActdbCommand {
  @Option(
      names = "--store",
      required = true,
      paramLabel = "<dir>",
      description = "Store directory (created if missing).")
  Path store;

  @Option(names = "--model", required = true, description = "Model name for the layer.")
  String model;

  @Option(names = "--layer", required = true, description = "Layer name.")
  String layer;

  @Option(
      names = "--sample-id",
      defaultValue = "sample_id",
      description = "Sample id column (default: ${DEFAULT-VALUE}).")
  String sampleId;

  @Option(
      names = "--vector",
      defaultValue = "vec",
      description = "Vector column (default: ${DEFAULT-VALUE}).")
  String vector;

  @Option(names = "--replace", description = "Rewrite the layer if the store already has it.")
  boolean replace;

  @Parameters(paramLabel = "<file>", description = "Parquet or Arrow IPC (file or stream) file.")
  Path file;

  @Override
  protected void execute() throws Exception {
    // Names are arguments: checked first, before a large input is read. A missing or bad input
    // fails inside the import, and the writer then removes the store directory it created.
    StoreNames.check("model", model);
    StoreNames.check("layer", layer);
    ActivationImport.Result result;
    try (BufferAllocator allocator = new RootAllocator();
        StoreWriter writer = StoreWriter.open(store, allocator)) {
      if (!replace && writer.manifest().layer(model, layer).isPresent()) {
        throw new CommandFailure(
            "actdb import: "
                + store
                + " already has layer "
                + model
                + "/"
                + layer
                + "; use --replace to overwrite it, or another --model/--layer name");
      }
      try {
        result = new ActivationImport(file, sampleId, vector).into(writer, model, layer, allocator);
      } catch (StoreException e) {
        throw new CommandFailure("actdb import: " + e.getMessage(), e);
      }
    }
    out()
        .printf(
            "imported %s: %d rows of dim %d into %s (%d new samples)%n",
            result.layer().qualifiedName(),
            result.layer().rows(),
            result.layer().dim(),
            store,
            result.newSamples());
  }
}
