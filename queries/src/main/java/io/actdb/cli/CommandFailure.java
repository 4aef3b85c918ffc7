package io.actdb.cli;

/** A failure whose message is already written for the user: printed as is, exit status 1. */
final class CommandFailure extends Exception {
  CommandFailure(String message) {
    super(message);
  }

  CommandFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
