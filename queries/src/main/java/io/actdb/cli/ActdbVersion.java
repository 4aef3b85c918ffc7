package io.actdb.cli;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code actdb --version}: the actdb build, the DuckDB engine and the Java runtime. */
final class ActdbVersion implements IVersionProvider {
  // Written into the jar by Maven (maven-archiver's default descriptor).
  private static final String POM_PROPERTIES =
      "/META-INF/maven/io.actdb/actdb-queries/pom.properties";

  @Override
  public String[] getVersion() {
    return new String[] {
      "actdb " + actdbVersion(),
      "DuckDB " + duckdbVersion(),
      "Java "
          + Runtime.version()
          + " ("
          + System.getProperty("java.vendor", "unknown vendor")
          + ")",
    };
  }

  private static String actdbVersion() {
    try (InputStream in = ActdbVersion.class.getResourceAsStream(POM_PROPERTIES)) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        return properties.getProperty("version", "(unknown)");
      }
    } catch (IOException e) {
      // fall through: the version is informational
    }
    return "(development build)";
  }

  private static String duckdbVersion() {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:")) {
      return connection.getMetaData().getDatabaseProductVersion();
    } catch (SQLException e) {
      return "(unavailable: " + e.getMessage() + ")";
    }
  }
}
