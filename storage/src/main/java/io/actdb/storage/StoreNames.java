package io.actdb.storage;

/** The rule for model and layer names: what a store accepts, checked before anything is written. */
public final class StoreNames {
  private StoreNames() {}

  /** The longest name a store accepts, in characters. */
  public static final int MAX_LENGTH = 200;

  /**
   * Accepts a model or layer name of 1 to {@link #MAX_LENGTH} printable characters.
   *
   * @param what "model" or "layer", for the message
   * @throws StoreException naming the problem and what to do
   */
  public static void check(String what, String name) throws StoreException {
    String problem;
    if (name == null || name.isEmpty()) {
      problem = "the " + what + " name is empty";
    } else if (name.length() > MAX_LENGTH) {
      problem =
          "the "
              + what
              + " name \""
              + name.substring(0, 20)
              + "...\" has "
              + name.length()
              + " characters";
    } else if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      problem =
          "the "
              + what
              + " name \""
              + visible(name)
              + "\" holds a tab, line break or other control character";
    } else {
      return;
    }
    throw new StoreException(
        problem
            + "; a "
            + what
            + " name must be 1 to "
            + MAX_LENGTH
            + " printable characters: choose another");
  }

  /** {@code name} with control characters shown as escapes, e.g. a tab as {@code \t}. */
  private static String visible(String name) {
    StringBuilder b = new StringBuilder();
    for (char c : name.toCharArray()) {
      switch (c) {
        case '\t' -> b.append("\\t");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.toString();
  }
}
