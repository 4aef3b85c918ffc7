package io.actdb.sql.duckdb;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import org.duckdb.DuckDBConnection;

/**
 * Reaches the C API {@code duckdb_connection} behind a DuckDB JDBC connection, and registers
 * aggregate and table function bridges on it.
 *
 * <p>The DuckDB JDBC driver keeps, in the package-private field {@code DuckDBConnection.connRef}, a
 * direct buffer whose address is a native {@code ConnectionHolder { shared_ptr<DuckDB> db;
 * unique_ptr<Connection> connection; }}; the pointer at byte 16 is the {@code Connection*} that the
 * C API calls {@code duckdb_connection}. That layout is internal to the driver, so actdb accepts
 * exactly one driver version and refuses any other with a clear error.
 */
public final class DuckDBConnections {
  private DuckDBConnections() {}

  /** The DuckDB JDBC driver version whose internal layout this bridge was checked against. */
  public static final String PINNED_DRIVER_VERSION = "2.0.0.1";

  private static final long CONNECTION_POINTER_OFFSET = 16;

  /**
   * Fails unless {@code driverVersion} is {@link #PINNED_DRIVER_VERSION}.
   *
   * @throws SQLException naming both versions and what to do
   */
  public static void checkDriverVersion(String driverVersion) throws SQLException {
    if (!PINNED_DRIVER_VERSION.equals(driverVersion)) {
      throw new SQLException(
          "actdb needs DuckDB JDBC driver "
              + PINNED_DRIVER_VERSION
              + " exactly, but found "
              + driverVersion
              + ": its functions reach DuckDB's C API through a driver-internal layout checked"
              + " only on that version. Put org.duckdb:duckdb_jdbc:"
              + PINNED_DRIVER_VERSION
              + " on the class path instead.");
    }
  }

  /**
   * The version of the DuckDB JDBC driver on the class path: the Bundle-Version of the jar that
   * holds {@code org.duckdb.DuckDBConnection}, or "unknown".
   */
  public static String driverVersion() {
    try {
      var source = DuckDBConnection.class.getProtectionDomain().getCodeSource();
      if (source != null && source.getLocation() != null) {
        Path jar = Path.of(source.getLocation().toURI());
        if (Files.isRegularFile(jar)) {
          try (var file = new JarFile(jar.toFile())) {
            var manifest = file.getManifest();
            // A jar that bundles the driver (actdb-jdbc-all.jar) records its version apart.
            if (manifest != null) {
              var attributes = manifest.getMainAttributes();
              String bundled = attributes.getValue("DuckDB-JDBC-Version");
              String v = bundled != null ? bundled : attributes.getValue("Bundle-Version");
              if (v != null) return v;
            }
          }
        }
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      // fall through: the version cannot be told
    }
    return "unknown";
  }

  /**
   * Registers {@code bridges} on the database behind {@code connection}, skipping the ones whose
   * names the database already knows.
   */
  public static synchronized void register(Connection connection, List<AggregateBridge<?>> bridges)
      throws SQLException {
    DuckDBConnection duck = duckConnection(connection);
    Set<String> existing = existingFunctions(duck, "aggregate");
    MemorySegment nativeConnection = nativeConnection(duck);
    CancelToken token = CancelToken.forDatabase(nativeDatabase(duck));
    for (AggregateBridge<?> bridge : bridges) {
      String name = bridge.function().name();
      if (existing.contains(name)) continue;
      if (!bridge.register(nativeConnection, token)) {
        throw new SQLException("DuckDB refused to register the aggregate function " + name);
      }
    }
  }

  /**
   * Registers table functions on the database behind {@code connection}, skipping the ones whose
   * names the database already knows as table functions. Table functions belong to the database:
   * other connections to it see them too, with the {@code TableFunction} objects given here.
   *
   * @return the names skipped
   */
  public static synchronized List<String> registerTableFunctions(
      Connection connection, List<TableFunctionBridge> bridges) throws SQLException {
    DuckDBConnection duck = duckConnection(connection);
    Set<String> existing = existingFunctions(duck, "table");
    MemorySegment nativeConnection = nativeConnection(duck);
    CancelToken token = CancelToken.forDatabase(nativeDatabase(duck));
    List<String> skipped = new ArrayList<>();
    for (TableFunctionBridge bridge : bridges) {
      String name = bridge.function().name();
      if (existing.contains(name)) {
        skipped.add(name);
        continue;
      }
      if (!bridge.register(nativeConnection, token)) {
        throw new SQLException("DuckDB refused to register the table function " + name);
      }
    }
    return skipped;
  }

  /** {@link #registerTableFunctions} for one function. */
  public static void registerTableFunction(Connection connection, TableFunctionBridge bridge)
      throws SQLException {
    registerTableFunctions(connection, List.of(bridge));
  }

  /**
   * Cancels the actdb function calls now running in the database behind {@code connection} (on any
   * of its connections); later queries are not affected. Does nothing if no actdb function is
   * registered there or the connection is closed. DuckDB's own work is stopped by the statement's
   * {@code cancel()}.
   */
  public static void cancel(Connection connection) throws SQLException {
    DuckDBConnection duck = connection.unwrap(DuckDBConnection.class);
    if (duck.isClosed()) return;
    CancelToken token = CancelToken.ofDatabase(nativeDatabase(duck));
    if (token != null) token.cancel();
  }

  /**
   * How many statements DuckDB's own parser finds in {@code sql} ({@code duckdb_extract_statements}
   * of the C API): 0 for text of only blanks and comments. The C API gives the statements back only
   * as handles to run through the C API, not as text; see the shell's statement splitter.
   *
   * @throws SQLException with the parser's message when {@code sql} does not parse
   */
  public static long countStatements(Connection connection, String sql) throws SQLException {
    DuckDBConnection duck = duckConnection(connection);
    try {
      return NativeDuckDB.countStatements(nativeConnection(duck), sql);
    } catch (IllegalArgumentException e) {
      throw new SQLException(e.getMessage(), e);
    }
  }

  /** Number of databases with actdb functions that are still open; for leak checks. */
  public static int liveDatabases() {
    return CancelToken.live();
  }

  private static DuckDBConnection duckConnection(Connection connection) throws SQLException {
    checkDriverVersion(driverVersion());
    NativeLibraryCopies.removeStaleInBackground();
    DuckDBConnection duck;
    try {
      duck = connection.unwrap(DuckDBConnection.class);
    } catch (SQLException e) {
      throw new SQLException("actdb functions need a DuckDB JDBC connection, got " + connection, e);
    }
    if (duck.isClosed()) throw new SQLException("the DuckDB connection is closed");
    return duck;
  }

  private static Set<String> existingFunctions(DuckDBConnection duck, String type)
      throws SQLException {
    Set<String> existing = new HashSet<>();
    try (var st =
        duck.prepareStatement(
            "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = ?")) {
      st.setString(1, type);
      try (var rs = st.executeQuery()) {
        while (rs.next()) existing.add(rs.getString(1));
      }
    }
    return existing;
  }

  /**
   * The address of the native {@code DuckDB} object (the database) behind {@code connection}: the
   * element pointer of the holder's {@code shared_ptr<DuckDB>} at byte 0. Connections to one
   * database share it.
   */
  private static long nativeDatabase(DuckDBConnection connection) throws SQLException {
    long database = holder(connection).get(ValueLayout.JAVA_LONG, 0);
    if (database == 0) throw new SQLException("the DuckDB connection is closed");
    return database;
  }

  private static MemorySegment holder(DuckDBConnection connection) throws SQLException {
    ByteBuffer holder;
    try {
      Field field = DuckDBConnection.class.getDeclaredField("connRef");
      field.setAccessible(true);
      holder = (ByteBuffer) field.get(connection);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new SQLException(
          "cannot reach the native connection of DuckDB JDBC " + driverVersion(), e);
    }
    if (holder == null || !holder.isDirect()) {
      throw new SQLException("the DuckDB connection has no native handle (closed?)");
    }
    return MemorySegment.ofBuffer(holder).reinterpret(24);
  }

  private static MemorySegment nativeConnection(DuckDBConnection connection) throws SQLException {
    MemorySegment pointer = holder(connection).get(ValueLayout.ADDRESS, CONNECTION_POINTER_OFFSET);
    if (pointer.address() == 0) throw new SQLException("the DuckDB connection is closed");
    return pointer;
  }
}
