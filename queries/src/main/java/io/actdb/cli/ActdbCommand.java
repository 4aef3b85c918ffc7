package io.actdb.cli;

import io.actdb.extractor.ExtractorException;
import io.actdb.storage.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Base of every actdb subcommand. It gives the command its output streams (the ones of its {@code
 * CommandLine}, so tests can capture them) and is the one place where failures become exit codes:
 *
 * <ul>
 *   <li>0: {@link #execute()} returned normally;
 *   <li>1: it threw a {@link CommandFailure}, a {@link SQLException} or an I/O exception (the
 *       message goes to stderr, without a stack trace) or anything else (a bug: with the stack
 *       trace);
 *   <li>2: a usage error, a {@link ParameterException}, which picocli reports with the usage help.
 * </ul>
 *
 * <p>Public for the benchmarks module, whose commands run under {@code actdb bench}.
 */
public abstract class ActdbCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Runs the command; throws to fail. */
  protected abstract void execute() throws Exception;

  /** Standard output of this command. */
  protected final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Standard error of this command. */
  protected final PrintWriter err() {
    return spec.commandLine().getErr();
  }

  @Override
  public final Integer call() {
    try {
      execute();
      return ExitCode.OK;
    } catch (ParameterException e) {
      throw e;
    } catch (CommandFailure | SQLException e) {
      err().println(e.getMessage());
    } catch (StoreException | ExtractorException e) {
      err().println("actdb: " + e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      err().println("actdb: " + e);
    } catch (Exception e) {
      err().println("actdb: internal error");
      e.printStackTrace(err());
    } finally {
      out().flush();
      err().flush();
    }
    return ExitCode.SOFTWARE;
  }
}
