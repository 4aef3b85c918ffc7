package io.actdb.cli.table;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows rendered as a text table in one of DuckDB's CLI layouts. Rows are added one at a time; in
 * {@link Style#DUCKBOX} with a row limit only the first and last rows are kept (and a count of the
 * rest), so a result of millions of rows costs memory for the rows shown only.
 */
public final class TextTable {
  /** Longest line of a cell that is shown whole; longer lines are cut. */
  public static final int MAX_CELL_WIDTH = 80;

  /** The layouts; the names are those of DuckDB's {@code .mode} where DuckDB has the layout. */
  public enum Style {
    /** DuckDB's default: a box of line-drawing characters, the types under the names. */
    DUCKBOX,
    /** DuckDB's {@code .mode table}: the same box drawn with {@code +}, {@code -} and {@code |}. */
    TABLE,
    /** A GitHub-flavoured Markdown table. */
    MARKDOWN,
    /**
     * DuckDB's {@code .mode column}: no borders, two spaces between columns, dashes under the
     * names; what {@code info}, {@code extract} and {@code models} print.
     */
    COLUMN,
    /** actdb's older layout, psql-like: {@code |} between columns and a {@code (N rows)} line. */
    ALIGNED
  }

  /**
   * One column.
   *
   * @param type the type shown under the name in {@link Style#DUCKBOX}; null shows none
   * @param rightAligned whether values are aligned to the right (numbers)
   */
  public record Column(String name, String type, boolean rightAligned) {
    public static Column text(String name) {
      return new Column(name, null, false);
    }

    public static Column number(String name) {
      return new Column(name, null, true);
    }
  }

  private final List<Column> columns;
  private final Style style;
  private final int headLimit;
  private final int tailLimit;
  private final List<String[][]> head = new ArrayList<>();
  private final ArrayDeque<String[][]> tail = new ArrayDeque<>();
  private long rowCount;

  /**
   * @param maxRows the most rows shown in {@link Style#DUCKBOX}, half from the start of the result
   *     and half from its end; 0 or less shows every row (other styles always show every row, as in
   *     DuckDB)
   */
  public TextTable(List<Column> columns, Style style, int maxRows) {
    this.columns = List.copyOf(columns);
    this.style = style;
    boolean limited = style == Style.DUCKBOX && maxRows > 0;
    this.headLimit = limited ? (maxRows + 1) / 2 : Integer.MAX_VALUE;
    this.tailLimit = limited ? maxRows / 2 : 0;
  }

  /** A table that shows every row. */
  public TextTable(List<Column> columns, Style style) {
    this(columns, style, 0);
  }

  /** Adds a row: one value per column, null shown as {@code NULL}. */
  public void add(String... values) {
    if (values.length != columns.size()) {
      throw new IllegalArgumentException(
          "a row of " + values.length + " values for " + columns.size() + " columns");
    }
    rowCount++;
    String[][] row = cells(values);
    if (head.size() < headLimit) {
      head.add(row);
      return;
    }
    if (tailLimit == 0) {
      return;
    }
    if (tail.size() == tailLimit) {
      tail.removeFirst();
    }
    tail.addLast(row);
  }

  /** How many rows were added. */
  public long rowCount() {
    return rowCount;
  }

  /** How many rows are held to be printed (at most the row limit). */
  public int rowsKept() {
    return head.size() + tail.size();
  }

  /** The table as text, each line ending with a line feed. */
  public String render() {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    writeTo(out);
    out.flush();
    return text.toString().replace(System.lineSeparator(), "\n");
  }

  /** Prints the table. */
  public void writeTo(PrintWriter out) {
    switch (style) {
      case DUCKBOX -> box(out, BoxChars.UNICODE, true);
      case TABLE -> box(out, BoxChars.ASCII, false);
      case MARKDOWN -> markdown(out);
      case ALIGNED -> aligned(out);
      case COLUMN -> column(out);
    }
  }

  private record BoxChars(
      char horizontal,
      char vertical,
      char topLeft,
      char topMiddle,
      char topRight,
      char middleLeft,
      char cross,
      char middleRight,
      char bottomLeft,
      char bottomMiddle,
      char bottomRight) {
    static final BoxChars UNICODE =
        new BoxChars('─', '│', '┌', '┬', '┐', '├', '┼', '┤', '└', '┴', '┘');
    static final BoxChars ASCII =
        new BoxChars('-', '|', '+', '+', '+', '+', '+', '+', '+', '+', '+');
  }

  private void box(PrintWriter out, BoxChars b, boolean duckbox) {
    int n = columns.size();
    boolean withTypes = duckbox && columns.stream().anyMatch(c -> c.type() != null);
    List<String[][]> headerRows = new ArrayList<>();
    headerRows.add(cells(columns.stream().map(Column::name).toArray(String[]::new)));
    if (withTypes) {
      headerRows.add(
          cells(
              columns.stream().map(c -> c.type() == null ? "" : c.type()).toArray(String[]::new)));
    }
    long hidden = rowCount - rowsKept();
    List<String> footer = new ArrayList<>();
    if (duckbox && hidden > 0) {
      footer.add(rows(rowCount) + " (" + rowsKept() + " shown)");
    } else if (duckbox && rowCount == 0) {
      footer.add("0 rows");
    }
    int[] widths = widths(headerRows);
    int inner = innerWidth(widths);
    if (!footer.isEmpty() && footer.getFirst().length() > inner && hidden > 0) {
      footer = List.of(rows(rowCount), "(" + rowsKept() + " shown)");
    }
    for (String line : footer) {
      if (line.length() > inner) {
        widths[n - 1] += line.length() - inner;
        inner = line.length();
      }
    }
    out.println(rule(b.topLeft(), b.topMiddle(), b.topRight(), b.horizontal(), widths));
    for (String[][] header : headerRows) {
      boxRow(out, b, header, widths, true);
    }
    // Under the header the columns go on, unless no row follows and the footer spans them all.
    char underHeader = head.isEmpty() && !footer.isEmpty() ? b.bottomMiddle() : b.cross();
    out.println(rule(b.middleLeft(), underHeader, b.middleRight(), b.horizontal(), widths));
    for (String[][] row : head) {
      boxRow(out, b, row, widths, false);
    }
    if (hidden > 0) {
      String[][] dots = new String[n][];
      for (int c = 0; c < n; c++) {
        dots[c] = new String[] {"·"};
      }
      for (int i = 0; i < 3; i++) {
        boxRow(out, b, dots, widths, true);
      }
    }
    for (String[][] row : tail) {
      boxRow(out, b, row, widths, false);
    }
    if (footer.isEmpty()) {
      out.println(rule(b.bottomLeft(), b.bottomMiddle(), b.bottomRight(), b.horizontal(), widths));
      return;
    }
    if (!head.isEmpty()) {
      out.println(rule(b.middleLeft(), b.bottomMiddle(), b.middleRight(), b.horizontal(), widths));
    }
    for (String line : footer) {
      out.println(b.vertical() + " " + pad(line, inner, false) + " " + b.vertical());
    }
    out.println(
        b.bottomLeft() + String.valueOf(b.horizontal()).repeat(inner + 2) + b.bottomRight());
  }

  private static String rows(long count) {
    return count == 1 ? "1 row" : count + " rows";
  }

  /** Width inside the outer border, between the spaces that pad it. */
  private static int innerWidth(int[] widths) {
    int inner = 0;
    for (int w : widths) {
      inner += w;
    }
    return inner + 3 * (widths.length - 1);
  }

  private static String rule(char left, char middle, char right, char line, int[] widths) {
    StringBuilder rule = new StringBuilder().append(left);
    for (int c = 0; c < widths.length; c++) {
      rule.append(String.valueOf(line).repeat(widths[c] + 2));
      rule.append(c + 1 < widths.length ? middle : right);
    }
    return rule.toString();
  }

  private void boxRow(PrintWriter out, BoxChars b, String[][] row, int[] widths, boolean center) {
    int height = height(row);
    for (int l = 0; l < height; l++) {
      StringBuilder line = new StringBuilder().append(b.vertical());
      for (int c = 0; c < widths.length; c++) {
        String text = l < row[c].length ? row[c][l] : "";
        String cell =
            center ? center(text, widths[c]) : pad(text, widths[c], columns.get(c).rightAligned());
        line.append(' ').append(cell).append(' ').append(b.vertical());
      }
      out.println(line);
    }
  }

  private void markdown(PrintWriter out) {
    String[][] header = cells(columns.stream().map(Column::name).toArray(String[]::new));
    int[] widths = widths(List.<String[][]>of(header));
    for (int c = 0; c < widths.length; c++) {
      widths[c] = Math.max(widths[c], 3); // room for the rule's ---
    }
    markdownRow(out, header, widths);
    StringBuilder rule = new StringBuilder("|");
    for (int c = 0; c < widths.length; c++) {
      boolean right = columns.get(c).rightAligned();
      rule.append(right ? "-".repeat(widths[c] + 1) + ":|" : "-".repeat(widths[c] + 2) + "|");
    }
    out.println(rule);
    for (String[][] row : head) {
      markdownRow(out, row, widths);
    }
  }

  private void markdownRow(PrintWriter out, String[][] row, int[] widths) {
    StringBuilder line = new StringBuilder("|");
    for (int c = 0; c < widths.length; c++) {
      // Markdown has no line breaks in a cell: the lines are joined with <br>.
      String text = String.join("<br>", row[c]).replace("|", "\\|");
      line.append(' ').append(pad(text, widths[c], columns.get(c).rightAligned())).append(" |");
    }
    out.println(line);
  }

  private void aligned(PrintWriter out) {
    String[][] header = cells(columns.stream().map(Column::name).toArray(String[]::new));
    int[] widths = widths(List.<String[][]>of(header));
    alignedRow(out, header, widths);
    StringBuilder rule = new StringBuilder();
    for (int c = 0; c < widths.length; c++) {
      rule.append(c == 0 ? "" : "+").append("-".repeat(widths[c] + 2));
    }
    out.println(rule);
    for (String[][] row : head) {
      alignedRow(out, row, widths);
    }
    out.println("(" + rows(rowCount) + ")");
  }

  private void column(PrintWriter out) {
    String[][] header = cells(columns.stream().map(Column::name).toArray(String[]::new));
    int[] widths = widths(List.<String[][]>of(header));
    columnRow(out, header, widths);
    String[][] rule = new String[widths.length][];
    for (int c = 0; c < widths.length; c++) {
      rule[c] = new String[] {"-".repeat(widths[c])};
    }
    columnRow(out, rule, widths);
    for (String[][] row : head) {
      columnRow(out, row, widths);
    }
  }

  private void columnRow(PrintWriter out, String[][] row, int[] widths) {
    int height = height(row);
    for (int l = 0; l < height; l++) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < widths.length; c++) {
        String text = l < row[c].length ? row[c][l] : "";
        line.append(c == 0 ? "" : "  ").append(pad(text, widths[c], columns.get(c).rightAligned()));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  private void alignedRow(PrintWriter out, String[][] row, int[] widths) {
    int height = height(row);
    for (int l = 0; l < height; l++) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < widths.length; c++) {
        String text = l < row[c].length ? row[c][l] : "";
        line.append(c == 0 ? " " : " | ");
        line.append(pad(text, widths[c], columns.get(c).rightAligned()));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  /** Column widths over the given header rows and every row kept. */
  private int[] widths(List<String[][]> headerRows) {
    int[] widths = new int[columns.size()];
    List<List<String[][]>> groups = List.of(headerRows, head, List.copyOf(tail));
    for (List<String[][]> group : groups) {
      for (String[][] row : group) {
        for (int c = 0; c < widths.length; c++) {
          for (String line : row[c]) {
            widths[c] = Math.max(widths[c], width(line));
          }
        }
      }
    }
    return widths;
  }

  private static int height(String[][] row) {
    int height = 1;
    for (String[] cell : row) {
      height = Math.max(height, cell.length);
    }
    return height;
  }

  /** Each value split into its lines, each line cut to {@link #MAX_CELL_WIDTH}. */
  private String[][] cells(String[] values) {
    String[][] cells = new String[values.length][];
    for (int c = 0; c < values.length; c++) {
      String value = values[c] == null ? "NULL" : values[c];
      String[] lines = value.replace("\r", "").split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        lines[i] = cut(lines[i]);
      }
      cells[c] = lines;
    }
    return cells;
  }

  private String cut(String line) {
    if (width(line) <= MAX_CELL_WIDTH) {
      return line;
    }
    String ellipsis = style == Style.DUCKBOX ? "…" : "...";
    int keep = MAX_CELL_WIDTH - ellipsis.length();
    return line.substring(0, line.offsetByCodePoints(0, keep)) + ellipsis;
  }

  private static int width(String s) {
    return s.codePointCount(0, s.length());
  }

  private static String pad(String text, int width, boolean right) {
    String fill = " ".repeat(Math.max(0, width - width(text)));
    return right ? fill + text : text + fill;
  }

  private static String center(String text, int width) {
    int space = Math.max(0, width - width(text));
    return " ".repeat(space / 2) + text + " ".repeat(space - space / 2);
  }
}
