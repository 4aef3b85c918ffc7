package io.actdb.storage;

import java.io.IOException;

/** A store that cannot be read or written as asked; the message names the file and the problem. */
public class StoreException extends IOException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
