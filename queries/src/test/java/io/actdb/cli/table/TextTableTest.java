package io.actdb.cli.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.actdb.cli.table.TextTable.Column;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one text-table renderer, checked against tables written out by hand. */
class TextTableTest {
  private static final List<Column> COLUMNS =
      List.of(Column.text("layer"), Column.number("dim"), Column.text("note"));

  private static TextTable filled(TextTable.Style style, int maxRows, int rows) {
    TextTable table = new TextTable(COLUMNS, style, maxRows);
    for (int i = 0; i < rows; i++) {
      table.add("conv" + i, Integer.toString(8 << i), i == 1 ? null : "a|b");
    }
    return table;
  }

  @Test
  void columnStyleAsInfoPrintsIt() {
    assertEquals(
        """
        layer  dim  note
        -----  ---  ----
        conv0    8  a|b
        conv1   16  NULL
        conv2   32  a|b
        """,
        filled(TextTable.Style.COLUMN, 0, 3).render());
  }

  @Test
  void markdownEscapesPipesAndAlignsNumbersRight() {
    assertEquals(
        """
        | layer | dim | note |
        |-------|----:|------|
        | conv0 |   8 | a\\|b |
        | conv1 |  16 | NULL |
        """,
        filled(TextTable.Style.MARKDOWN, 0, 2).render());
  }

  @Test
  void duckboxKeepsHeadAndTailOnly() {
    TextTable table = filled(TextTable.Style.DUCKBOX, 3, 7);

    assertEquals(7, table.rowCount());
    assertEquals(3, table.rowsKept());
    assertEquals(
        """
        ┌───────┬─────┬──────┐
        │ layer │ dim │ note │
        ├───────┼─────┼──────┤
        │ conv0 │   8 │ a|b  │
        │ conv1 │  16 │ NULL │
        │   ·   │  ·  │  ·   │
        │   ·   │  ·  │  ·   │
        │   ·   │  ·  │  ·   │
        │ conv6 │ 512 │ a|b  │
        ├───────┴─────┴──────┤
        │ 7 rows (3 shown)   │
        └────────────────────┘
        """,
        table.render());
  }

  @Test
  void tableStyleIsDuckDbsAsciiBox() {
    assertEquals(
        """
        +-------+-----+------+
        | layer | dim | note |
        +-------+-----+------+
        | conv0 |   8 | a|b  |
        +-------+-----+------+
        """,
        filled(TextTable.Style.TABLE, 1, 1).render());
  }

  @Test
  void aRowOfTheWrongWidthIsRefused() {
    TextTable table = new TextTable(COLUMNS, TextTable.Style.DUCKBOX);
    assertThrows(IllegalArgumentException.class, () -> table.add("only one"));
  }
}
