package io.actdb.sql.duckdb;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one {@link AggregateFunction} inside DuckDB: owns its upcall stubs (state_size, init,
 * update, combine, finalize, destroy) and registers it on connections.
 *
 * <p>Every upcall catches {@code Throwable}: an exception escaping into DuckDB's native frames
 * would kill the JVM. Failures become {@code duckdb_aggregate_function_set_error}, which DuckDB
 * raises as a SQL error once the callback returns. The state memory DuckDB hands out holds one
 * {@code long}: a {@link StateTable} handle, 0 until the group sees its first row.
 */
public final class AggregateBridge<S> {
  private static final Logger LOG = Logger.getLogger(AggregateBridge.class.getName());
  private static final long STATE_BYTES = 8;

  private final AggregateFunction<S> function;
  private final MemorySegment stateSize;
  private final MemorySegment init;
  private final MemorySegment update;
  private final MemorySegment combine;
  private final MemorySegment finalizer;
  private final MemorySegment destroy;

  /** Creates the upcall stubs; they live as long as the JVM, like DuckDB's catalog entry. */
  public AggregateBridge(AggregateFunction<S> function) {
    this.function = function;
    Arena arena = Arena.global();
    var linker = java.lang.foreign.Linker.nativeLinker();
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      stateSize =
          linker.upcallStub(
              lookup.findStatic(
                  AggregateBridge.class,
                  "stateSize",
                  MethodType.methodType(long.class, MemorySegment.class)),
              DuckDBCApi.STATE_SIZE,
              arena);
      init =
          linker.upcallStub(
              lookup.findStatic(
                  AggregateBridge.class,
                  "init",
                  MethodType.methodType(void.class, MemorySegment.class, MemorySegment.class)),
              DuckDBCApi.INIT,
              arena);
      update =
          linker.upcallStub(
              bound(
                  lookup,
                  "update",
                  MethodType.methodType(
                      void.class, MemorySegment.class, MemorySegment.class, MemorySegment.class)),
              DuckDBCApi.UPDATE,
              arena);
      combine =
          linker.upcallStub(
              bound(
                  lookup,
                  "combine",
                  MethodType.methodType(
                      void.class,
                      MemorySegment.class,
                      MemorySegment.class,
                      MemorySegment.class,
                      long.class)),
              DuckDBCApi.COMBINE,
              arena);
      finalizer =
          linker.upcallStub(
              bound(
                  lookup,
                  "finalizeStates",
                  MethodType.methodType(
                      void.class,
                      MemorySegment.class,
                      MemorySegment.class,
                      MemorySegment.class,
                      long.class,
                      long.class)),
              DuckDBCApi.FINALIZE,
              arena);
      destroy =
          linker.upcallStub(
              lookup.findStatic(
                  AggregateBridge.class,
                  "destroy",
                  MethodType.methodType(void.class, MemorySegment.class, long.class)),
              DuckDBCApi.DESTROY,
              arena);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create upcall stubs for " + function.name(), e);
    }
  }

  private MethodHandle bound(MethodHandles.Lookup lookup, String name, MethodType type)
      throws ReflectiveOperationException {
    return lookup.findVirtual(AggregateBridge.class, name, type).bindTo(this);
  }

  /** The function this bridge runs. */
  public AggregateFunction<S> function() {
    return function;
  }

  /**
   * Registers the function (all overloads) on a C API connection.
   *
   * @return false if DuckDB refused (e.g. the name exists already)
   */
  boolean register(MemorySegment connection) {
    MemorySegment set = NativeDuckDB.createAggregateFunctionSet(function.name());
    try {
      for (List<SqlType> parameters : function.overloads()) {
        MemorySegment f = NativeDuckDB.createAggregateFunction();
        try {
          NativeDuckDB.setAggregateName(f, function.name());
          for (SqlType p : parameters) {
            MemorySegment t = p.toLogicalType();
            NativeDuckDB.addAggregateParameter(f, t);
            NativeDuckDB.destroyLogicalType(t);
          }
          MemorySegment r = function.returnType().toLogicalType();
          NativeDuckDB.setAggregateReturnType(f, r);
          NativeDuckDB.destroyLogicalType(r);
          NativeDuckDB.setAggregateCallbacks(f, stateSize, init, update, combine, finalizer, destroy);
          // NULL rows reach update, which skips them (and still sees rows where only
          // an optional argument is NULL).
          NativeDuckDB.setSpecialNullHandling(f);
          NativeDuckDB.addToFunctionSet(set, f, function.name());
        } finally {
          NativeDuckDB.destroyAggregateFunction(f);
        }
      }
      return NativeDuckDB.registerAggregateFunctionSet(connection, set);
    } finally {
      NativeDuckDB.destroyAggregateFunctionSet(set);
    }
  }

  /** Number of Java aggregate states alive in this JVM (all functions); for leak checks. */
  public static int liveStates() {
    return StateTable.AGGREGATE_STATES.live();
  }

  // ---------------------------------------------------------------- upcalls

  private static long stateSize(MemorySegment info) {
    return STATE_BYTES;
  }

  private static void init(MemorySegment info, MemorySegment state) {
    try {
      state.reinterpret(STATE_BYTES).set(JAVA_LONG, 0, 0L);
    } catch (Throwable t) {
      reportError(info, "actdb aggregate", t);
    }
  }

  private static long handleAt(MemorySegment statePointers, long index) {
    MemorySegment state = statePointers.getAtIndex(ADDRESS, index).reinterpret(STATE_BYTES);
    return state.get(JAVA_LONG, 0);
  }

  @SuppressWarnings("unchecked")
  private S stateFor(MemorySegment statePointers, long index) {
    MemorySegment state = statePointers.getAtIndex(ADDRESS, index).reinterpret(STATE_BYTES);
    long handle = state.get(JAVA_LONG, 0);
    if (handle != 0) return (S) StateTable.AGGREGATE_STATES.get(handle);
    S created = function.newState();
    state.set(JAVA_LONG, 0, StateTable.AGGREGATE_STATES.add(created));
    return created;
  }

  private void update(MemorySegment info, MemorySegment chunk, MemorySegment states) {
    try {
      InputChunk input = new InputChunk(chunk, function.name());
      int n = input.size();
      if (n == 0) return;
      MemorySegment pointers = states.reinterpret(ADDRESS.byteSize() * n);
      // DuckDB gives one state pointer per row; an ungrouped aggregate repeats one pointer.
      long first = pointers.getAtIndex(ADDRESS, 0).address();
      boolean single = true;
      for (int r = 1; r < n && single; r++) {
        single = pointers.getAtIndex(ADDRESS, r).address() == first;
      }
      int[] rows = new int[n];
      if (single) {
        for (int r = 0; r < n; r++) rows[r] = r;
        function.update(stateFor(pointers, 0), input, rows, n);
        return;
      }
      // Group rows by state, keeping row order within a group.
      long[] keyed = new long[n];
      for (int r = 0; r < n; r++) keyed[r] = pointers.getAtIndex(ADDRESS, r).address();
      Integer[] order = new Integer[n];
      for (int r = 0; r < n; r++) order[r] = r;
      Arrays.sort(order, (a, b) -> keyed[a] != keyed[b] ? Long.compare(keyed[a], keyed[b]) : a - b);
      int start = 0;
      while (start < n) {
        int end = start;
        long key = keyed[order[start]];
        int count = 0;
        while (end < n && keyed[order[end]] == key) rows[count++] = order[end++];
        function.update(stateFor(pointers, order[start]), input, rows, count);
        start = end;
      }
    } catch (Throwable t) {
      reportError(info, function.name(), t);
    }
  }

  @SuppressWarnings("unchecked")
  private void combine(MemorySegment info, MemorySegment source, MemorySegment target, long count) {
    try {
      MemorySegment sources = source.reinterpret(ADDRESS.byteSize() * count);
      MemorySegment targets = target.reinterpret(ADDRESS.byteSize() * count);
      for (long i = 0; i < count; i++) {
        long handle = handleAt(sources, i);
        if (handle == 0) continue;
        function.combine((S) StateTable.AGGREGATE_STATES.get(handle), stateFor(targets, i));
      }
    } catch (Throwable t) {
      reportError(info, function.name(), t);
    }
  }

  @SuppressWarnings("unchecked")
  private void finalizeStates(
      MemorySegment info, MemorySegment source, MemorySegment result, long count, long offset) {
    try {
      MemorySegment sources = source.reinterpret(ADDRESS.byteSize() * count);
      ResultWriter out = new ResultWriter(result);
      for (long i = 0; i < count; i++) {
        long handle = handleAt(sources, i);
        out.moveTo(offset + i);
        function.finalize(handle == 0 ? null : (S) StateTable.AGGREGATE_STATES.get(handle), out);
      }
    } catch (Throwable t) {
      reportError(info, function.name(), t);
    }
  }

  private static void destroy(MemorySegment states, long count) {
    try {
      MemorySegment pointers = states.reinterpret(ADDRESS.byteSize() * count);
      for (long i = 0; i < count; i++) {
        MemorySegment state = pointers.getAtIndex(ADDRESS, i).reinterpret(STATE_BYTES);
        long handle = state.get(JAVA_LONG, 0);
        if (handle != 0) {
          StateTable.AGGREGATE_STATES.remove(handle);
          state.set(JAVA_LONG, 0, 0L);
        }
      }
    } catch (Throwable t) {
      // No info to report through: destroy has no function_info. Log, never throw.
      LOG.log(Level.SEVERE, "actdb: failed to destroy aggregate states", t);
    }
  }

  private static void reportError(MemorySegment info, String name, Throwable t) {
    String message =
        t instanceof SqlFunctionException
            ? name + ": " + t.getMessage()
            : name + ": internal error: " + t;
    if (!(t instanceof SqlFunctionException)) {
      LOG.log(Level.WARNING, "actdb: " + name + " failed", t);
    }
    try {
      NativeDuckDB.setAggregateError(info, message);
    } catch (Throwable nested) {
      LOG.log(Level.SEVERE, "actdb: could not report an error to DuckDB: " + message, nested);
    }
  }
}
