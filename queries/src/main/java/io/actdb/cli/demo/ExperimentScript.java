package io.actdb.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One of the SQL scripts in {@code queries/sql/} (packaged with the CLI): its text, the header
 * comment that says what it reproduces, and its statements, each query titled by the {@code --
 * Table:} comment above it.
 */
public record ExperimentScript(String name, String text) {

  /** Loads {@code queries/sql/<name>} from the CLI's resources. */
  public static ExperimentScript load(String name) throws IOException {
    try (InputStream in = ExperimentScript.class.getResourceAsStream("/io/actdb/sql/" + name)) {
      if (in == null)
        throw new IOException("the SQL script " + name + " is missing from the actdb jar");
      return new ExperimentScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** The leading comment block, without the comment marks. */
  public String description() {
    StringBuilder b = new StringBuilder();
    for (String line : text.lines().toList()) {
      if (!line.startsWith("--")) break;
      String body = line.length() > 2 ? line.substring(3) : "";
      if (body.startsWith("Parameters")) break;
      b.append(body).append('\n');
    }
    return b.toString().strip();
  }

  /** The title on the last {@code -- Table:} line above {@code line} (1-based), if any. */
  public String titleAbove(int line) {
    List<String> lines = text.lines().toList();
    for (int i = Math.min(line, lines.size() + 1) - 2; i >= 0; i--) {
      String l = lines.get(i).strip();
      if (l.startsWith("-- Table:")) return l.substring("-- Table:".length()).strip();
      if (!l.isEmpty() && !l.startsWith("--")) break;
    }
    return null;
  }
}
