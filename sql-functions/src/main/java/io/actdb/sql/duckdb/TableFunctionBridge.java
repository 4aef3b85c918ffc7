package io.actdb.sql.duckdb;

import io.actdb.sql.spi.BoundScan;
import io.actdb.sql.spi.Cancellation;
import io.actdb.sql.spi.OutputChunk;
import io.actdb.sql.spi.QueryCancelledException;
import io.actdb.sql.spi.ScanTask;
import io.actdb.sql.spi.SqlColumn;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import io.actdb.sql.spi.TableFunction;
import io.actdb.sql.spi.TableScanner;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a {@link TableFunction} inside DuckDB and registers it on connections.
 *
 * <p>One set of upcall stubs (bind, init, local init, function, and the delete callbacks) serves
 * every table function of the JVM: the {@link TableFunction} object rides along as the catalog
 * entry's extra info, so registering a function that wraps a per-connection Java object (a store, a
 * model registry) costs no new stubs, and DuckDB's delete callback drops the object when the
 * database closes. Bind data, global and thread-local states are Java objects behind {@link
 * StateTable} handles, closed by DuckDB's delete callbacks.
 *
 * <p>Every upcall catches {@code Throwable}: an exception escaping into DuckDB's native frames
 * would kill the JVM. Failures become {@code duckdb_bind_set_error}, {@code duckdb_init_set_error}
 * or {@code duckdb_function_set_error} with a message that starts with the function's name.
 */
public final class TableFunctionBridge {
  private static final Logger LOG = Logger.getLogger(TableFunctionBridge.class.getName());
  private static final String UNKNOWN = "actdb table function";

  private final TableFunction function;

  /**
   * Wraps {@code function}. Cheap: the upcall stubs are shared by all bridges.
   *
   * @throws IllegalArgumentException if a parameter type is not VARCHAR or BIGINT
   */
  public TableFunctionBridge(TableFunction function) {
    List<SqlType> types = new ArrayList<>(function.parameters());
    for (SqlColumn named : function.namedParameters()) types.add(named.type());
    for (SqlType p : types) {
      if (!p.equals(SqlType.VARCHAR) && !p.equals(SqlType.BIGINT)) {
        throw new IllegalArgumentException(
            function.name()
                + ": parameter type "
                + p.sql()
                + " is not supported (VARCHAR, BIGINT)");
      }
    }
    this.function = function;
  }

  /** The function this bridge runs. */
  public TableFunction function() {
    return function;
  }

  /**
   * Registers the function on a C API connection (that is, in its database).
   *
   * @return false if DuckDB refused (e.g. the name exists already)
   */
  boolean register(MemorySegment connection, CancelToken token) {
    MemorySegment f = NativeDuckDB.createTableFunction();
    try {
      NativeDuckDB.setTableFunctionName(f, function.name());
      for (SqlType p : function.parameters()) {
        MemorySegment t = LogicalTypes.create(p);
        NativeDuckDB.addTableFunctionParameter(f, t);
        NativeDuckDB.destroyLogicalType(t);
      }
      for (SqlColumn named : function.namedParameters()) {
        MemorySegment t = LogicalTypes.create(named.type());
        NativeDuckDB.addTableFunctionNamedParameter(f, named.name(), t);
        NativeDuckDB.destroyLogicalType(t);
      }
      // From here DuckDB owns the handle: its delete callback runs when the catalog drops the
      // function, or below when destroying f if registration failed.
      long handle = StateTable.TABLE_FUNCTIONS.add(new Registered(function, token, token.hold()));
      NativeDuckDB.setTableFunctionExtraInfo(f, handle, Stubs.DELETE_FUNCTION);
      NativeDuckDB.setTableFunctionCallbacks(
          f, Stubs.BIND, Stubs.INIT, Stubs.LOCAL_INIT, Stubs.FUNCTION);
      NativeDuckDB.setProjectionPushdown(f, true);
      return NativeDuckDB.registerTableFunction(connection, f);
    } finally {
      NativeDuckDB.destroyTableFunction(f);
    }
  }

  /**
   * Number of bind, global and thread-local table function states alive in this JVM (all
   * functions); for leak checks. Bind data lives as long as the query plan (a prepared statement
   * keeps it until closed).
   */
  public static int liveStates() {
    return StateTable.TABLE_FUNCTION_STATES.live();
  }

  // ---------------------------------------------------------------- states behind handles

  /** A function's extra info: the function and its database's cancel token. */
  private record Registered(TableFunction function, CancelToken token, long tokenId) {}

  /** Bind data: one bound call. */
  private record Bound(String name, BoundScan scan, CancelToken token) implements AutoCloseable {
    @Override
    public void close() {
      scan.close();
    }
  }

  /** Global init data: one execution, and where its projected columns sit in the output chunk. */
  private record Execution(
      String name, ScanTask task, int[] vectorIndexes, SqlType[] types, Cancellation cancellation)
      implements AutoCloseable {
    @Override
    public void close() {
      task.close();
    }
  }

  /** Local init data: one thread's scanner, created on the thread's first chunk. */
  private static final class ThreadScan implements AutoCloseable {
    TableScanner scanner;

    @Override
    public void close() {
      if (scanner != null) scanner.close();
    }
  }

  // ---------------------------------------------------------------- upcalls

  /** The shared upcall stubs; they live as long as the JVM, like DuckDB's catalog entries. */
  private static final class Stubs {
    static final int CAPACITY = Math.toIntExact(NativeDuckDB.vectorSize());
    static final MemorySegment BIND = stub("bind", DuckDBCApi.TABLE_BIND, MemorySegment.class);
    static final MemorySegment INIT = stub("init", DuckDBCApi.TABLE_INIT, MemorySegment.class);
    static final MemorySegment LOCAL_INIT =
        stub("localInit", DuckDBCApi.TABLE_INIT, MemorySegment.class);
    static final MemorySegment FUNCTION =
        stub("scan", DuckDBCApi.TABLE_FUNCTION, MemorySegment.class, MemorySegment.class);
    static final MemorySegment DELETE_STATE =
        stub("deleteState", DuckDBCApi.DELETE_CALLBACK, MemorySegment.class);
    static final MemorySegment DELETE_FUNCTION =
        stub("deleteFunction", DuckDBCApi.DELETE_CALLBACK, MemorySegment.class);

    private static MemorySegment stub(
        String name, FunctionDescriptor descriptor, Class<?>... args) {
      try {
        var type = MethodType.methodType(void.class, args);
        var handle = MethodHandles.lookup().findStatic(TableFunctionBridge.class, name, type);
        return Linker.nativeLinker().upcallStub(handle, descriptor, Arena.global());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot create the table function upcall " + name, e);
      }
    }
  }

  /**
   * duckdb_table_function_bind_t. {@code info} is valid during the call only; the parameter values
   * are copied to Java objects and destroyed here.
   */
  private static void bind(MemorySegment info) {
    String name = UNKNOWN;
    try {
      Registered registered =
          (Registered) StateTable.TABLE_FUNCTIONS.get(NativeDuckDB.bindExtraInfo(info));
      TableFunction function = registered.function();
      name = function.name();
      List<SqlType> parameters = function.parameters();
      long count = NativeDuckDB.bindParameterCount(info);
      if (count != parameters.size()) {
        throw new IllegalStateException(
            "DuckDB passed " + count + " arguments for " + parameters.size() + " parameters");
      }
      List<Object> arguments = new ArrayList<>(parameters.size());
      for (int i = 0; i < count; i++) {
        arguments.add(take(NativeDuckDB.bindParameter(info, i), parameters.get(i)));
      }
      for (SqlColumn named : function.namedParameters()) {
        MemorySegment value = NativeDuckDB.bindNamedParameter(info, named.name());
        arguments.add(value.address() == 0 ? null : take(value, named.type()));
      }
      BoundScan scan = function.bind(arguments);
      try {
        List<SqlColumn> columns = scan.columns();
        if (columns.isEmpty()) throw new SqlFunctionException("the result has no columns");
        for (SqlColumn column : columns) {
          MemorySegment type = LogicalTypes.create(column.type());
          try {
            NativeDuckDB.bindAddResultColumn(info, column.name(), type);
          } finally {
            NativeDuckDB.destroyLogicalType(type);
          }
        }
        if (scan.cardinality() >= 0) {
          NativeDuckDB.bindSetCardinality(info, scan.cardinality(), scan.cardinalityIsExact());
        }
      } catch (Throwable t) {
        scan.close();
        throw t;
      }
      long handle = StateTable.TABLE_FUNCTION_STATES.add(new Bound(name, scan, registered.token()));
      NativeDuckDB.bindSetBindData(info, handle, Stubs.DELETE_STATE);
    } catch (Throwable t) {
      String message = message(name, t);
      try {
        NativeDuckDB.bindSetError(info, message);
      } catch (Throwable nested) {
        LOG.log(Level.SEVERE, "actdb: could not report an error to DuckDB: " + message, nested);
      }
    }
  }

  /** A parameter's value as Java sees it; destroys the value. */
  private static Object take(MemorySegment value, SqlType type) {
    return type.equals(SqlType.VARCHAR)
        ? NativeDuckDB.takeVarchar(value)
        : NativeDuckDB.takeInt64(value);
  }

  /** duckdb_table_function_init_t for the global state: one per execution. */
  private static void init(MemorySegment info) {
    String name = UNKNOWN;
    try {
      Bound bound = (Bound) StateTable.TABLE_FUNCTION_STATES.get(NativeDuckDB.initBindData(info));
      name = bound.name();
      List<SqlColumn> columns = bound.scan().columns();
      long[] requested = NativeDuckDB.initProjection(info);
      // DuckDB may ask for a virtual column (an id past the result columns, e.g. a row id when
      // the query reads no column, as count(*) does); it reads nothing from it.
      int real = 0;
      for (long c : requested) if (c >= 0 && c < columns.size()) real++;
      int[] projection = new int[real];
      int[] vectorIndexes = new int[real];
      SqlType[] types = new SqlType[real];
      for (int v = 0, i = 0; v < requested.length; v++) {
        long c = requested[v];
        if (c < 0 || c >= columns.size()) continue;
        projection[i] = (int) c;
        vectorIndexes[i] = v;
        types[i] = columns.get((int) c).type();
        i++;
      }
      // Marked before the scan starts: a cancel from here on stops this execution.
      Cancellation cancellation = bound.token().since(bound.token().mark());
      ScanTask task = bound.scan().start(projection);
      int threads;
      try {
        threads = Math.max(1, task.maxThreads());
      } catch (Throwable t) {
        task.close();
        throw t;
      }
      long handle =
          StateTable.TABLE_FUNCTION_STATES.add(
              new Execution(name, task, vectorIndexes, types, cancellation));
      NativeDuckDB.initSetInitData(info, handle, Stubs.DELETE_STATE);
      NativeDuckDB.initSetMaxThreads(info, threads);
    } catch (Throwable t) {
      reportInitError(info, name, t);
    }
  }

  /** duckdb_table_function_init_t for a thread-local state: one per DuckDB thread and execution. */
  private static void localInit(MemorySegment info) {
    String name = UNKNOWN;
    try {
      Bound bound = (Bound) StateTable.TABLE_FUNCTION_STATES.get(NativeDuckDB.initBindData(info));
      name = bound.name();
      // DuckDB's C API gives local init no access to the global state: the scanner is created
      // on the thread's first chunk, from the global state the function call sees.
      long handle = StateTable.TABLE_FUNCTION_STATES.add(new ThreadScan());
      NativeDuckDB.initSetInitData(info, handle, Stubs.DELETE_STATE);
    } catch (Throwable t) {
      reportInitError(info, name, t);
    }
  }

  /**
   * duckdb_table_function_t: fills {@code output} (valid during the call only) with the next rows
   * of this thread's scan, or sets its size to 0 when the thread is done.
   */
  private static void scan(MemorySegment info, MemorySegment output) {
    String name = UNKNOWN;
    try {
      Execution execution =
          (Execution) StateTable.TABLE_FUNCTION_STATES.get(NativeDuckDB.functionInitData(info));
      name = execution.name();
      ThreadScan local =
          (ThreadScan)
              StateTable.TABLE_FUNCTION_STATES.get(NativeDuckDB.functionLocalInitData(info));
      Cancellation cancellation = execution.cancellation();
      if (cancellation.isCancelled()) throw new QueryCancelledException();
      if (local.scanner == null) local.scanner = execution.task().newScanner();
      OutputChunk out =
          new DuckDBOutputChunk(
              output, execution.vectorIndexes(), execution.types(), Stubs.CAPACITY);
      TableScanner scanner = local.scanner;
      int rows = Cancellation.callWith(cancellation, () -> scanner.fill(out));
      if (rows < 0 || rows > Stubs.CAPACITY) {
        throw new IllegalStateException(
            "scanner wrote " + rows + " rows into a chunk of " + Stubs.CAPACITY);
      }
      NativeDuckDB.setChunkSize(output, rows);
    } catch (Throwable t) {
      String message = message(name, t);
      try {
        NativeDuckDB.setChunkSize(output, 0);
        NativeDuckDB.functionSetError(info, message);
      } catch (Throwable nested) {
        LOG.log(Level.SEVERE, "actdb: could not report an error to DuckDB: " + message, nested);
      }
    }
  }

  /** duckdb_delete_callback_t for bind, global and local states: closes the Java object. */
  private static void deleteState(MemorySegment data) {
    try {
      Object state = StateTable.TABLE_FUNCTION_STATES.remove(data.address());
      if (state instanceof AutoCloseable closeable) closeable.close();
    } catch (Throwable t) {
      // No info to report through: log, never throw.
      LOG.log(Level.SEVERE, "actdb: failed to close a table function state", t);
    }
  }

  /** duckdb_delete_callback_t for a registered function's extra info. */
  private static void deleteFunction(MemorySegment data) {
    try {
      if (StateTable.TABLE_FUNCTIONS.remove(data.address()) instanceof Registered registered) {
        CancelToken.release(registered.tokenId());
      }
    } catch (Throwable t) {
      LOG.log(Level.SEVERE, "actdb: failed to release a table function", t);
    }
  }

  private static void reportInitError(MemorySegment info, String name, Throwable t) {
    String message = message(name, t);
    try {
      NativeDuckDB.initSetError(info, message);
    } catch (Throwable nested) {
      LOG.log(Level.SEVERE, "actdb: could not report an error to DuckDB: " + message, nested);
    }
  }

  private static String message(String name, Throwable t) {
    if (t instanceof SqlFunctionException || t instanceof QueryCancelledException) {
      return name + ": " + t.getMessage();
    }
    LOG.log(Level.WARNING, "actdb: " + name + " failed", t);
    return name + ": internal error: " + t;
  }
}
