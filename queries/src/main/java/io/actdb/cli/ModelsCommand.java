package io.actdb.cli;

import io.actdb.cli.table.TextTable;
import io.actdb.cli.table.TextTable.Column;
import io.actdb.extractor.model.onnx.PretrainedModel;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code actdb models}: the pretrained encoders {@code --model} knows by name. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = {
      "List the pretrained ONNX encoders that extract runs by name.",
      "For each encoder `actdb extract --model <name>` runs: the Maven artifact"
          + " they come from (fetched once at build time, never at run time), the ONNX file's"
          + " size, the layers stored by default, their width and the licence.",
    },
    footer = {
      "",
      "Examples:",
      "  ./actdb models",
      "  ./actdb extract --model minilm-l6 --list-layers",
    })
final class ModelsCommand extends ActdbCommand {
  @Override
  protected void execute() {
    var out = out();
    TextTable table =
        new TextTable(
            List.of(
                Column.text("name"),
                Column.text("source"),
                Column.number("MiB"),
                Column.text("layers"),
                Column.number("dim"),
                Column.text("licence")),
            TextTable.Style.COLUMN);
    for (PretrainedModel m : PretrainedModel.values()) {
      long bytes = m.modelBytes();
      table.add(
          m.shortcut(),
          m.artifact(),
          bytes < 0 ? "missing" : String.format("%.1f", bytes / 1048576.0),
          "embeddings, layer0..layer" + (m.blocks() - 1) + " (" + (m.blocks() + 1) + ")",
          Integer.toString(m.dim()),
          m.licence());
    }
    table.writeTo(out);
    if (!PretrainedModel.MINILM_L6.available()) {
      out.println(
          "missing: the model jars are not on the class path (the actdb-models module brings"
              + " them; ./actdb builds it)");
    }
  }
}
