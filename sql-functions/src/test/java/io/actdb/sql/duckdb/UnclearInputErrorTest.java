package io.actdb.sql.duckdb;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.TestDb;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs the attack found unclear errors for: each now names the problem and the fix, with no type
 * ids or Java class names.
 */
class UnclearInputErrorTest {
  /** A Java package prefix or an exception class name. */
  private static final Pattern JAVA_NAME =
      Pattern.compile("\\b(java|javax|jdk|sun|io\\.actdb|org)\\.[a-z]+\\.|[A-Z]\\w*Exception\\b");

  @TempDir Path dir;

  private static String error(Connection c, String sql) {
    SQLException e = assertThrows(SQLException.class, () -> TestDb.scalar(c, sql));
    String message = e.getMessage();
    assertFalse(message.contains("type id"), message);
    assertFalse(message.contains("internal error"), message);
    assertFalse(JAVA_NAME.matcher(message).find(), message);
    return message;
  }

  @Test
  void aMapOrUnionVectorIsNamedWithAWayOut() throws SQLException {
    try (Connection c = TestDb.open()) {
      String map =
          error(c, "SELECT cka(m, m) FROM (SELECT MAP {'a': 1.0::FLOAT, 'b': 2.0::FLOAT} AS m)");
      assertTrue(map.contains("cka: x must be a FLOAT[d] or FLOAT[] vector, got a MAP"), map);
      assertTrue(map.contains("map_values(x)::FLOAT[]"), map);

      String union =
          error(c, "SELECT ipr(u, true) FROM (SELECT union_value(k := [1.0]::FLOAT[]) AS u)");
      assertTrue(union.contains("ipr: x must be a FLOAT[d] or FLOAT[] vector, got a UNION"), union);
      assertTrue(union.contains("union_extract(x, 'tag')::FLOAT[]"), union);

      String time = error(c, "SELECT geomca(t, true) FROM (SELECT TIME '10:00' AS t)");
      assertTrue(time.contains("got TIME;"), time);
    }
  }

  @Test
  void readArrowFileOfAnEmptyPathOrADirectorySaysWhatItNeeds() throws SQLException {
    try (Connection c = TestDb.open()) {
      String empty = error(c, "SELECT * FROM read_arrow_file('')");
      assertTrue(
          empty.contains("read_arrow_file: path is empty; give the path of an Arrow IPC file"),
          empty);
      String directory = error(c, "SELECT * FROM read_arrow_file('" + dir + "')");
      assertTrue(
          directory.contains(dir + " is a directory; give the path of an Arrow IPC file"),
          directory);
    }
  }
}
