package io.actdb.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The demo's Markdown report: sections, tables and heatmap images, in the order added. */
public final class DemoReport {
  private final StringBuilder text = new StringBuilder();

  public DemoReport(String title) {
    text.append("# ").append(title).append("\n\n");
  }

  public void paragraph(String s) {
    text.append(s).append("\n\n");
  }

  public void section(String heading, String description) {
    text.append("## ").append(heading).append("\n\n");
    if (!description.isBlank())
      text.append(description.replace("\n", " ").replaceAll(" {2,}", " ")).append("\n\n");
  }

  public void table(ResultTable table) {
    text.append("**")
        .append(table.title())
        .append("**\n\n")
        .append(table.toMarkdown())
        .append('\n');
  }

  public void image(String caption, Path png, Path svg) {
    text.append("![")
        .append(caption)
        .append("](")
        .append(png.toString().replace('\\', '/'))
        .append(") ")
        .append("([SVG](")
        .append(svg.toString().replace('\\', '/'))
        .append("))\n\n");
  }

  /**
   * The works the experiments reproduce, cited in full; the sections cite them as "Kornblith et al.
   * (2019)" and "the KTH thesis".
   */
  public static final List<String> WORKS =
      List.of(
          "Simon Kornblith, Mohammad Norouzi, Honglak Lee, Geoffrey Hinton. *Similarity of Neural"
              + " Network Representations Revisited.* Proceedings of the 36th International"
              + " Conference on Machine Learning (ICML), 2019.",
          "*Structural Comparison of Data Representations Obtained from Deep Learning Models.*"
              + " Master's thesis, KTH Royal Institute of Technology, School of Electrical"
              + " Engineering and Computer Science (the KTH thesis). The copy this project works"
              + " from prints neither its author nor its date (its latest date is October 2021);"
              + " KTH's thesis archive finds it by title.");

  /** The closing "References" section: {@link #WORKS}, numbered. */
  public void references() {
    text.append("## References\n\n");
    for (int i = 0; i < WORKS.size(); i++) {
      text.append(i + 1).append(". ").append(WORKS.get(i)).append('\n');
    }
    text.append('\n');
  }

  public Path write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }
}
