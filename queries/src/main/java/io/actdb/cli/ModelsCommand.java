package io.actdb.cli;

import io.actdb.extractor.model.onnx.PretrainedModel;
import java.util.ArrayList;
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
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"name", "source", "MiB", "layers", "dim", "licence"});
    for (PretrainedModel m : PretrainedModel.values()) {
      long bytes = m.modelBytes();
      rows.add(
          new String[] {
            m.shortcut(),
            m.artifact(),
            bytes < 0 ? "missing" : String.format("%.1f", bytes / 1048576.0),
            "embeddings, layer0..layer" + (m.blocks() - 1) + " (" + (m.blocks() + 1) + ")",
            Integer.toString(m.dim()),
            m.licence()
          });
    }
    // Columns as wide as their widest cell; numbers right-aligned, the licence last and free.
    int[] width = new int[5];
    for (String[] row : rows) {
      for (int c = 0; c < width.length; c++) width[c] = Math.max(width[c], row[c].length());
    }
    String format =
        "%-" + width[0] + "s  %-" + width[1] + "s  %" + width[2] + "s  %-" + width[3] + "s  %"
            + width[4] + "s  %s%n";
    for (String[] row : rows) out.printf(format, (Object[]) row);
    if (!PretrainedModel.MINILM_L6.available()) {
      out.println(
          "missing: the model jars are not on the class path (the actdb-models module brings"
              + " them; ./actdb builds it)");
    }
  }
}
