package io.actdb.cli;

import io.actdb.extractor.model.onnx.PretrainedModel;
import picocli.CommandLine.Command;

/** {@code actdb models}: the pretrained encoders {@code --model} knows by name. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = {
      "List the pretrained ONNX encoders `actdb extract --model <name>` runs: the Maven artifact"
          + " they come from (fetched once at build time, never at run time), the ONNX file's"
          + " size, the layers stored by default, their width and the licence.",
    })
final class ModelsCommand extends ActdbCommand {
  @Override
  protected void execute() {
    var out = out();
    out.printf(
        "%-10s %-68s %8s %-28s %4s  %s%n", "name", "source", "MiB", "layers", "dim", "licence");
    for (PretrainedModel m : PretrainedModel.values()) {
      long bytes = m.modelBytes();
      String size = bytes < 0 ? "missing" : String.format("%.1f", bytes / 1048576.0);
      out.printf(
          "%-10s %-68s %8s %-28s %4d  %s%n",
          m.shortcut(),
          m.artifact(),
          size,
          "embeddings, layer0..layer" + (m.blocks() - 1) + " (" + (m.blocks() + 1) + ")",
          m.dim(),
          m.licence());
    }
    if (!PretrainedModel.MINILM_L6.available()) {
      out.println(
          "missing: the model jars are not on the class path (the actdb-models module brings"
              + " them; ./actdb builds it)");
    }
  }
}
