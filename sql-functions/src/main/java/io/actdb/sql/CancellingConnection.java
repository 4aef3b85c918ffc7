package io.actdb.sql;

import io.actdb.sql.duckdb.DuckDBConnections;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Statement;

/**
 * A JDBC connection whose statements' {@code cancel()} also stops the actdb functions running in
 * the connection's database, then asks DuckDB to stop its own work. Everything else goes to the
 * DuckDB connection unchanged; {@code unwrap(DuckDBConnection.class)} returns it.
 *
 * <p>Dynamic proxies rather than delegating classes: JDBC's interfaces grow with each Java release,
 * and a proxy forwards methods it has never heard of.
 */
final class CancellingConnection implements InvocationHandler {
  /** Version of actdb that its JDBC metadata reports. */
  static final String VERSION = "0.1";

  private final Connection connection;
  private final String url;
  private Connection proxy;

  private CancellingConnection(Connection connection, String url) {
    this.connection = connection;
    this.url = url;
  }

  /**
   * @param url the actdb URL the connection answers to, for its metadata
   */
  static Connection wrap(Connection connection, String url) {
    CancellingConnection handler = new CancellingConnection(connection, url);
    handler.proxy =
        (Connection)
            Proxy.newProxyInstance(
                CancellingConnection.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                handler);
    return handler.proxy;
  }

  @Override
  public Object invoke(Object self, Method method, Object[] args) throws Throwable {
    Object common = objectMethod(self, connection, method, args);
    if (common != null) return common;
    Object result = forward(connection, method, args);
    if (result instanceof DatabaseMetaData metaData && (args == null || args.length == 0)) {
      return Proxy.newProxyInstance(
          CancellingConnection.class.getClassLoader(),
          new Class<?>[] {DatabaseMetaData.class},
          new MetaDataHandler(metaData));
    }
    if (result instanceof Statement statement
        && Statement.class.isAssignableFrom(method.getReturnType())) {
      return Proxy.newProxyInstance(
          CancellingConnection.class.getClassLoader(),
          new Class<?>[] {method.getReturnType()},
          new StatementHandler(statement));
    }
    return result;
  }

  /** Statements: {@code cancel()} reaches actdb's functions first, then DuckDB's executor. */
  private final class StatementHandler implements InvocationHandler {
    private final Statement statement;

    StatementHandler(Statement statement) {
      this.statement = statement;
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
      Object common = objectMethod(self, statement, method, args);
      if (common != null) return common;
      switch (method.getName()) {
        case "cancel" -> {
          if (args == null || args.length == 0) {
            // Before DuckDB's cancel, which may wait for the connection's lock until the running
            // callback returns.
            DuckDBConnections.cancel(connection);
          }
        }
        case "getConnection" -> {
          if (args == null || args.length == 0) return proxy;
        }
        default -> {}
      }
      return forward(statement, method, args);
    }
  }

  /**
   * Metadata that names actdb and its URL, so SQL clients show what they are connected to;
   * everything else (tables, columns, types) is DuckDB's.
   */
  private final class MetaDataHandler implements InvocationHandler {
    private final DatabaseMetaData metaData;

    MetaDataHandler(DatabaseMetaData metaData) {
      this.metaData = metaData;
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
      Object common = objectMethod(self, metaData, method, args);
      if (common != null) return common;
      if (args == null || args.length == 0) {
        switch (method.getName()) {
          case "getDatabaseProductName", "getDriverName" -> {
            return "actdb";
          }
          case "getDatabaseProductVersion" -> {
            return VERSION + " (DuckDB " + metaData.getDatabaseProductVersion() + ")";
          }
          case "getDriverVersion" -> {
            return VERSION + " (DuckDB JDBC " + metaData.getDriverVersion() + ")";
          }
          case "getURL" -> {
            return url;
          }
          case "getConnection" -> {
            return proxy;
          }
          default -> {}
        }
      }
      return forward(metaData, method, args);
    }
  }

  /**
   * {@code equals}, {@code hashCode}, {@code toString}, {@code unwrap} and {@code isWrapperFor} of
   * a proxy, or null for any other method.
   */
  private static Object objectMethod(Object self, Object target, Method method, Object[] args)
      throws Throwable {
    int arity = args == null ? 0 : args.length;
    return switch (method.getName()) {
      case "equals" -> arity == 1 ? self == args[0] : null;
      case "hashCode" -> arity == 0 ? System.identityHashCode(self) : null;
      case "toString" -> arity == 0 ? "actdb " + target : null;
      case "unwrap" -> {
        if (arity != 1) yield null;
        Class<?> type = (Class<?>) args[0];
        yield type.isInstance(self) ? self : forward(target, method, args);
      }
      case "isWrapperFor" -> {
        if (arity != 1) yield null;
        Class<?> type = (Class<?>) args[0];
        yield type.isInstance(self) || (Boolean) forward(target, method, args);
      }
      default -> null;
    };
  }

  private static Object forward(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** Whether {@code connection} already cancels actdb functions through its statements. */
  static boolean isWrapped(Connection connection) {
    return Proxy.isProxyClass(connection.getClass())
        && Proxy.getInvocationHandler(connection) instanceof CancellingConnection;
  }
}
