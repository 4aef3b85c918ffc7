package io.actdb.jdbc;

import io.actdb.sql.StoreConnections;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * JDBC driver for {@code jdbc:actdb:<store-dir>}: a DuckDB connection with the actdb functions
 * registered and the store's views ({@code samples}, {@code layers}, {@code activations}) in place.
 * {@code jdbc:actdb:} without a directory gives an in-memory database with the functions only.
 * Found by {@link java.util.ServiceLoader} ({@code META-INF/services/java.sql.Driver}).
 */
public final class ActdbDriver implements Driver {
  public static final String PREFIX = StoreConnections.URL_PREFIX;

  static {
    try {
      DriverManager.registerDriver(new ActdbDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) return null; // the JDBC contract: not ours, let another driver try
    String location = url.substring(PREFIX.length()).strip();
    JvmFlags.check();
    try {
      return StoreConnections.open(location.isEmpty() ? null : Path.of(location));
    } catch (IllegalCallerException e) {
      // The JVM runs with --illegal-native-access=deny and this module may not call DuckDB's C API.
      throw new SQLException(
          "the actdb JDBC driver needs the JVM flag --enable-native-access="
              + (ActdbDriver.class.getModule().isNamed()
                  ? ActdbDriver.class.getModule().getName()
                  : "ALL-UNNAMED")
              + " (it calls DuckDB's C API); add it to the JVM options of your SQL client",
          e);
    }
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return new DriverPropertyInfo[0];
  }

  @Override
  public int getMajorVersion() {
    return 0;
  }

  @Override
  public int getMinorVersion() {
    return 1;
  }

  @Override
  public boolean jdbcCompliant() {
    return false; // DuckDB's driver is not either
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("actdb uses java.util.logging per class");
  }
}
