package io.actdb.extractor;

import java.io.IOException;

/**
 * Bad input to an extraction or a training run: a missing or undecodable file, an unknown model or
 * layer, an empty data set. The message says what is wrong and where; the CLI prints it as is and
 * exits non-zero.
 */
public class ExtractorException extends IOException {
  public ExtractorException(String message) {
    super(message);
  }

  public ExtractorException(String message, Throwable cause) {
    super(message, cause);
  }
}
