package io.actdb.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the actdb command line in-process and captures what it prints. */
final class Cli {
  /** Exit status and output of one run; line ends are normalised to LF. */
  record Result(int status, String out, String err) {}

  private Cli() {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Actdb.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int status = commandLine.execute(args);
    return new Result(status, lf(out.toString()), lf(err.toString()));
  }

  private static String lf(String text) {
    return text.replace("\r\n", "\n");
  }
}
