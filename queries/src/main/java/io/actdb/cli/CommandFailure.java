package io.actdb.cli;

/** A failure whose message is already written for the user: printed as is, exit status 1. */
public final class CommandFailure extends Exception {
  public CommandFailure(String message) {
    super(message);
  }

  public CommandFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
