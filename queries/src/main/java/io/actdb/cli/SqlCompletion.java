package io.actdb.cli;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.History;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Tab completion for the SQL shell: DuckDB's keywords, every function the connection knows
 * (DuckDB's and actdb's, from {@code duckdb_functions()}), tables, views, their columns ({@code
 * duckdb_columns()}, the store's {@code samples}, {@code layers} and {@code activations} included),
 * and the store's model and layer names inside a string literal ({@code layer('cnn', 'co<TAB>}).
 *
 * <p>The names are read from the catalog on the first Tab and again only after the shell ran a
 * statement that may have changed the catalog ({@code CREATE}, {@code DROP}, ...), so a Tab costs
 * no query otherwise. The shell's history tells which statements ran, so the shell needs no hook.
 */
final class SqlCompletion implements Completer {
  /** Statements after which the catalog's names may differ; a script read by .read may hold any. */
  private static final Pattern CHANGES_CATALOG =
      Pattern.compile(
          "\\b(create|drop|alter|attach|detach|use|import|load|comment|install)\\b|^\\s*\\.read\\b",
          Pattern.CASE_INSENSITIVE);

  /** {@code name.prefix} or {@code prefix} at the end of what was typed before the cursor. */
  private static final Pattern QUALIFIED_PREFIX =
      Pattern.compile("(?:([\\p{L}_][\\p{L}\\p{N}_$]*)\\.)?([\\p{L}_][\\p{L}\\p{N}_$]*)?$");

  private final Connection connection;
  private Names names;
  private int historySeen = -1;

  SqlCompletion(Connection connection) {
    this.connection = connection;
  }

  /** What the completion offers, read from the catalog at once. */
  private record Names(
      Set<String> keywords,
      Set<String> functions,
      Set<String> relations,
      Map<String, Set<String>> columnsByRelation,
      Set<String> columns,
      Set<String> storeNames) {}

  @Override
  public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
    try {
      if (reader != null) noticeCatalogChanges(reader.getHistory());
      String word = line.word().substring(0, Math.min(line.wordCursor(), line.word().length()));
      String before = line.line().substring(0, Math.min(line.cursor(), line.line().length()));
      candidates.addAll(candidatesFor(before, word));
    } catch (RuntimeException e) {
      // Completion is a convenience: whatever fails here must not break line editing.
    }
  }

  /** Forgets the names read so far; the next Tab reads them again. */
  void catalogChanged() {
    names = null;
  }

  /**
   * The candidates for the word before the cursor.
   *
   * @param before the whole statement typed so far, up to the cursor
   * @param word the part of the current word (as the shell's parser splits it) before the cursor
   */
  List<Candidate> candidatesFor(String before, String word) {
    Names known = names();
    List<Candidate> out = new ArrayList<>();
    if (insideStringLiteral(before)) {
      String typed = before.substring(before.lastIndexOf('\'') + 1);
      String head = word.substring(0, Math.max(0, word.length() - typed.length()));
      for (String name : known.storeNames()) {
        if (startsWithIgnoringCase(name, typed)) {
          out.add(new Candidate(head + name, name, "store", null, null, null, false));
        }
      }
      return out;
    }
    Matcher m = QUALIFIED_PREFIX.matcher(word);
    if (!m.find()) return out;
    String qualifier = m.group(1);
    String prefix = m.group(2) == null ? "" : m.group(2);
    String head = word.substring(0, word.length() - prefix.length());
    if (qualifier != null) {
      Set<String> columns = known.columnsByRelation().get(lower(relationOf(qualifier, before)));
      add(out, head, prefix, columns != null ? columns : known.columns(), "column", false);
      return out;
    }
    if (prefix.isEmpty()) return out; // a Tab on nothing would list thousands of names
    boolean upper = Character.isUpperCase(prefix.charAt(0));
    Set<String> keywords = new TreeSet<>();
    for (String k : known.keywords()) keywords.add(upper ? k.toUpperCase(Locale.ROOT) : lower(k));
    add(out, head, prefix, keywords, "keyword", true);
    add(out, head, prefix, known.functions(), "function", false);
    add(out, head, prefix, known.relations(), "table", false);
    add(out, head, prefix, known.columns(), "column", false);
    return out;
  }

  private static void add(
      List<Candidate> out,
      String head,
      String prefix,
      Set<String> names,
      String group,
      boolean complete) {
    for (String name : names) {
      if (startsWithIgnoringCase(name, prefix)) {
        // The value replaces the whole word, so it keeps what stands before the name in it
        // (e.g. "cka(a." of "cka(a.ve").
        out.add(new Candidate(head + name, name, group, null, null, null, complete));
      }
    }
  }

  /**
   * The table or view that {@code alias} stands for in the statement ({@code FROM samples s},
   * {@code JOIN layers AS l}); the alias itself when it is no alias there.
   */
  private static String relationOf(String alias, String statement) {
    Matcher m =
        Pattern.compile(
                "([\\p{L}_][\\p{L}\\p{N}_$.]*)\\s+(?:as\\s+)?" + Pattern.quote(alias) + "\\b",
                Pattern.CASE_INSENSITIVE)
            .matcher(statement);
    String found = alias;
    while (m.find()) {
      String candidate = m.group(1);
      if (!isKeywordBeforeAlias(candidate)) {
        found = candidate.substring(candidate.lastIndexOf('.') + 1);
      }
    }
    return found;
  }

  private static boolean isKeywordBeforeAlias(String word) {
    return switch (lower(word)) {
      case "from", "join", "select", "on", "and", "or", "where", "by", "as", "using" -> true;
      default -> false;
    };
  }

  /** Whether the text ends inside a '...' literal (an odd number of quotes; '' is an escape). */
  private static boolean insideStringLiteral(String text) {
    int quotes = 0;
    for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\'') quotes++;
    return quotes % 2 == 1;
  }

  private static boolean startsWithIgnoringCase(String name, String prefix) {
    return name.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private void noticeCatalogChanges(History history) {
    if (history.isEmpty()) return;
    int last = history.last();
    if (historySeen >= 0 && last > historySeen) {
      Iterator<History.Entry> entries =
          history.iterator(Math.max(historySeen + 1, history.first()));
      while (entries.hasNext()) {
        if (CHANGES_CATALOG.matcher(entries.next().line()).find()) {
          catalogChanged();
          break;
        }
      }
    }
    historySeen = last;
  }

  private Names names() {
    if (names == null) {
      try {
        names = readNames();
      } catch (SQLException e) {
        // e.g. a failed transaction not yet rolled back: nothing to offer, and read again next time
        return new Names(Set.of(), Set.of(), Set.of(), Map.of(), Set.of(), Set.of());
      }
    }
    return names;
  }

  private Names readNames() throws SQLException {
    Map<String, Set<String>> columnsByRelation = new TreeMap<>();
    Set<String> columns = new TreeSet<>();
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT table_name, column_name FROM duckdb_columns()")) {
      while (rs.next()) {
        columnsByRelation
            .computeIfAbsent(lower(rs.getString(1)), k -> new TreeSet<>())
            .add(rs.getString(2));
        columns.add(rs.getString(2));
      }
    }
    Set<String> storeNames = new TreeSet<>();
    if (columnsByRelation.containsKey("layers")) {
      try {
        storeNames.addAll(strings("SELECT model FROM layers UNION SELECT layer FROM layers"));
      } catch (SQLException e) {
        // A user's own table called layers, without these columns: no store names then.
      }
    }
    return new Names(
        strings("SELECT keyword_name FROM duckdb_keywords()"),
        strings(
            "SELECT function_name FROM duckdb_functions() WHERE NOT starts_with(function_name,"
                + " '__')"),
        strings(
            "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views()"
                + " WHERE NOT internal"),
        columnsByRelation,
        columns,
        storeNames);
  }

  private Set<String> strings(String sql) throws SQLException {
    Set<String> out = new TreeSet<>();
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        if (rs.getString(1) != null) out.add(rs.getString(1));
      }
    }
    return out;
  }
}
