package io.actdb.cli.plot;

/** Data that cannot be plotted; the message says what is wrong with it, for the user. */
public final class PlotDataException extends Exception {
  /** A failure with a message written for the user. */
  public PlotDataException(String message) {
    super(message);
  }
}
