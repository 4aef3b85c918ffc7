package io.actdb.storage;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The name rule: 1 to 200 printable characters, refused with a message that says so. */
class StoreNamesTest {
  @Test
  void acceptsOneToTwoHundredPrintableCharacters() {
    assertDoesNotThrow(() -> StoreNames.check("model", "m"));
    assertDoesNotThrow(() -> StoreNames.check("model", "é".repeat(200)));
    assertDoesNotThrow(() -> StoreNames.check("layer", "blocks.3/attn out (ü)"));
  }

  @Test
  void refusesEmptyTooLongAndControlCharacters() {
    String[][] cases = {
      {"", "the layer name is empty"},
      {"x".repeat(201), "has 201 characters"},
      {"a\tb", "\"a\\tb\" holds a tab"},
      {"a\nb", "\"a\\nb\" holds a tab, line break"},
      {"a\u007fb", "\"a\\u007fb\""},
    };
    for (String[] c : cases) {
      StoreException e = assertThrows(StoreException.class, () -> StoreNames.check("layer", c[0]));
      assertTrue(e.getMessage().contains(c[1]), e.getMessage());
      assertTrue(
          e.getMessage()
              .endsWith("a layer name must be 1 to 200 printable characters: choose another"),
          e.getMessage());
    }
  }
}
