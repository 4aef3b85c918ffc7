package io.actdb.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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

  public Path write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }
}
