package io.actdb.cli;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code actdb tour}: a short walk through CKA on generated data, in an in-memory database. It
 * prints every SQL statement it runs, so a user can paste them into {@code actdb sql}.
 */
@Command(
    name = "tour",
    mixinStandardHelpOptions = true,
    description = {
      "A short tour of CKA on generated data (a few seconds, in memory).",
      "Prints the SQL it runs; paste it into 'actdb sql' to explore further.",
    },
    footer = {
      "",
      "Examples:",
      "  ./actdb tour",
    })
final class TourCommand extends ActdbCommand {
  static final int SAMPLES = 2000;
  static final int DIM = 64;

  private static final String INTRO =
      """
      actdb demo: CKA (centered kernel alignment) on generated data

      X holds %d samples of a %d-dimensional representation (standard normal numbers).
      Each Y below is a transform of X, or unrelated to it. CKA compares two representations
      of the same samples: 1 when they agree up to a rotation and a scale, low when they are
      unrelated. The SQL runs as printed; paste it into ./actdb sql to explore.
      """;

  private static final String RANDOM_NUMBERS =
      """
      -- 1. Standard-normal numbers from a hash: no random state, the same on every run.
      --    uniform(k) is in (0, 1); gauss(k) is N(0, 1) (Box-Muller).
      CREATE MACRO uniform(k) AS ((hash(k) >> 11)::DOUBLE + 0.5) / 9007199254740992;
      CREATE MACRO gauss(k) AS sqrt(-2 * ln(uniform(2 * k))) * cos(2 * pi() * uniform(2 * k + 1));

      -- X in long form, one row per (sample, dimension); noise and z are two more
      -- independent N(0, 1) columns of the same shape.
      CREATE TABLE gen AS
      SELECT s.sample_id, d.dim,
             gauss(s.sample_id * %2$d + d.dim) AS x,
             gauss(10000000 + s.sample_id * %2$d + d.dim) AS noise,
             gauss(20000000 + s.sample_id * %2$d + d.dim) AS z
      FROM range(%1$d) s(sample_id), range(%2$d) d(dim);
      """;

  private static final String REPRESENTATIONS =
      """
      -- 2. Representations: one row per (rep, sample) with a FLOAT[%2$d] vector
      --    (FLOAT[] lists work as well).
      CREATE TABLE reps AS
      SELECT 'X' AS rep, sample_id, array_agg(x ORDER BY dim)::FLOAT[%2$d] AS vec
      FROM gen GROUP BY sample_id
      UNION ALL
      -- Y = X Q, Q orthogonal: each coordinate pair (2m, 2m+1) turned by the angle
      -- 0.7 m + 0.3, then the coordinates permuted (k -> 37 k + 11 mod %2$d)
      SELECT 'rotated', a.sample_id,
             array_agg(cos(0.7 * (a.dim // 2) + 0.3) * a.x
                       + CASE WHEN a.dim %% 2 = 0 THEN -1 ELSE 1 END
                         * sin(0.7 * (a.dim // 2) + 0.3) * b.x
                       ORDER BY (37 * a.dim + 11) %% %2$d)::FLOAT[%2$d]
      FROM gen a JOIN gen b
        ON b.sample_id = a.sample_id AND b.dim = a.dim + 1 - 2 * (a.dim %% 2)
      GROUP BY a.sample_id
      UNION ALL
      -- Y = 3.5 X
      SELECT 'scaled', sample_id, array_agg(3.5 * x ORDER BY dim)::FLOAT[%2$d]
      FROM gen GROUP BY sample_id
      UNION ALL
      -- Y = X D, D = diag(1, 1.25, 1.5, ...): each dimension stretched by its own factor
      SELECT 'stretched', sample_id, array_agg((1 + dim / 4) * x ORDER BY dim)::FLOAT[%2$d]
      FROM gen GROUP BY sample_id
      UNION ALL
      -- Y = X + 0.5 N, N independent noise
      SELECT 'noisy', sample_id, array_agg(x + 0.5 * noise ORDER BY dim)::FLOAT[%2$d]
      FROM gen GROUP BY sample_id
      UNION ALL
      -- Y unrelated to X
      SELECT 'independent', sample_id, array_agg(z ORDER BY dim)::FLOAT[%2$d]
      FROM gen GROUP BY sample_id;
      """;

  private static final String COMPARISON =
      """
      -- 3. X against each Y: rows are samples, paired on sample_id; one GROUP BY.
      SELECT y.rep,
             cka(x.vec, y.vec) AS cka,
             cka_debiased(x.vec, y.vec) AS cka_debiased,
             cka_rbf(x.vec, y.vec, 0.5) AS cka_rbf
      FROM reps x JOIN reps y USING (sample_id)
      WHERE x.rep = 'X' AND y.rep <> 'X'
      GROUP BY y.rep ORDER BY cka DESC;
      """;

  /** What each comparison shows, in the order printed. */
  private static final Map<String, String> EXPLANATIONS = new LinkedHashMap<>();

  static {
    EXPLANATIONS.put("rotated", "Y = X Q, Q orthogonal: CKA ignores rotations");
    EXPLANATIONS.put("scaled", "Y = 3.5 X: CKA ignores a common scale");
    EXPLANATIONS.put("stretched", "Y = X D: unequal scales change the geometry, so < 1");
    EXPLANATIONS.put("noisy", "Y = X + 0.5 N: mostly the same signal, high but < 1");
    EXPLANATIONS.put("independent", "unrelated: low; cka and cka_rbf are biased up, debiased ~ 0");
  }

  private static final String BY_GROUP =
      """
      -- 4. GROUP BY any sample metadata, here a made-up class label: CKA of X and noisy Y
      --    within each class (%d samples each).
      SELECT sample_id %% 4 AS class, count(*) AS samples,
             round(cka(x.vec, y.vec), 4) AS cka,
             round(cka_debiased(x.vec, y.vec), 4) AS cka_debiased
      FROM reps x JOIN reps y USING (sample_id)
      WHERE x.rep = 'X' AND y.rep = 'noisy'
      GROUP BY class ORDER BY class;
      """;

  private static final String MATRIX =
      """
      -- 5. A CKA matrix: every representation against every other, as for the layers of a
      --    network (a self-join, one GROUP BY, and a PIVOT to lay it out).
      PIVOT (
        SELECT a.rep, b.rep AS vs, round(cka(a.vec, b.vec), 3) AS cka
        FROM reps a JOIN reps b USING (sample_id)
        GROUP BY a.rep, b.rep
      ) ON vs USING first(cka) ORDER BY rep;
      """;

  @Override
  protected void execute() throws Exception {
    PrintWriter out = out();
    out.printf(INTRO, SAMPLES, DIM);
    try (Connection connection = new DatabaseOption().open()) {
      run(connection, out, randomNumbersSql());
      run(connection, out, representationsSql());
      show(out, COMPARISON);
      long start = System.nanoTime();
      printComparison(connection, out);
      elapsed(out, start);
      run(connection, out, BY_GROUP.formatted(SAMPLES / 4));
      run(connection, out, MATRIX);
    }
    out.flush();
  }

  /** The statements that generate the demo's X, noise and z columns (table {@code gen}). */
  static String randomNumbersSql() {
    return RANDOM_NUMBERS.formatted(SAMPLES, DIM);
  }

  /** The statements that build table {@code reps} (rep, sample_id, vec) from {@code gen}. */
  static String representationsSql() {
    return REPRESENTATIONS.formatted(SAMPLES, DIM);
  }

  private static void show(PrintWriter out, String sql) {
    out.println();
    out.print(sql);
    out.flush();
  }

  /** Prints the statements, runs them, and prints the rows of those that return some. */
  private static void run(Connection connection, PrintWriter out, String sql) throws Exception {
    show(out, sql);
    long start = System.nanoTime();
    for (SqlScript.Statement statement : SqlScript.split(sql)) {
      try (Statement s = connection.createStatement()) {
        if (s.execute(statement.sql())) {
          out.println();
          OutputFormat.named("duckbox").write(s.getResultSet(), out);
        }
      }
    }
    elapsed(out, start);
  }

  private static void printComparison(Connection connection, PrintWriter out) throws SQLException {
    Map<String, double[]> results = new LinkedHashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(SqlScript.split(COMPARISON).getFirst().sql())) {
      while (rows.next()) {
        results.put(
            rows.getString(1), new double[] {value(rows, 2), value(rows, 3), value(rows, 4)});
      }
    }
    out.println();
    out.printf("  %-12s %8s %13s %13s%n", "Y", "cka", "cka_debiased", "cka_rbf(0.5)");
    // In the query's order (cka descending), each with what it shows.
    for (Map.Entry<String, double[]> entry : results.entrySet()) {
      double[] r = entry.getValue();
      out.printf(
          "  %-12s %8s %13s %13s   %s%n",
          entry.getKey(),
          number(r[0]),
          number(r[1]),
          number(r[2]),
          EXPLANATIONS.getOrDefault(entry.getKey(), ""));
    }
  }

  private static double value(ResultSet rows, int column) throws SQLException {
    double v = rows.getDouble(column);
    return rows.wasNull() ? Double.NaN : v;
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "NULL" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static void elapsed(PrintWriter out, long start) {
    out.printf(Locale.ROOT, "  (%.1f s)%n", (System.nanoTime() - start) / 1e9);
    out.flush();
  }
}
