package io.actdb.sql.duckdb;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.actdb.sql.spi.AggregateFunction;
import io.actdb.sql.spi.Cancellation;
import io.actdb.sql.spi.InputChunk;
import io.actdb.sql.spi.QueryCancelledException;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
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
 *
 * <p>Each registered function's extra info is the id of its database's {@link CancelToken}. Every
 * callback binds the token (as of when the group's state was created) as the {@link Cancellation}
 * that the function's loops poll, so a cancel stops the work of the query under way.
 */
public final class AggregateBridge<S> {
  private static final Logger LOG = Logger.getLogger(AggregateBridge.class.getName());
  private static final long STATE_BYTES = 8;

  /** duckdb_delete_callback_t for the extra info: one stub for all aggregates of the JVM. */
  private static final class ReleaseStub {
    static final MemorySegment RELEASE_TOKEN = create();

    private static MemorySegment create() {
      try {
        var handle =
            MethodHandles.lookup()
                .findStatic(
                    AggregateBridge.class,
                    "releaseToken",
                    MethodType.methodType(void.class, MemorySegment.class));
        return Linker.nativeLinker().upcallStub(handle, DuckDBCApi.DELETE_CALLBACK, Arena.global());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot create the aggregate extra info upcall", e);
      }
    }
  }

  /** A group's state and the count of its database's cancels when the group began. */
  private static final class Slot<S> {
    final S state;
    long cancelMark;

    Slot(S state, long cancelMark) {
      this.state = state;
      this.cancelMark = cancelMark;
    }
  }

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
    var linker = Linker.nativeLinker();
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
   * Registers the function (all overloads) on a C API connection, tied to its database's {@code
   * token}.
   *
   * @return false if DuckDB refused (e.g. the name exists already)
   */
  boolean register(MemorySegment connection, CancelToken token) {
    MemorySegment set = NativeDuckDB.createAggregateFunctionSet(function.name());
    try {
      for (List<SqlType> parameters : function.overloads()) {
        MemorySegment f = NativeDuckDB.createAggregateFunction();
        try {
          NativeDuckDB.setAggregateName(f, function.name());
          for (SqlType p : parameters) {
            MemorySegment t = LogicalTypes.create(p);
            NativeDuckDB.addAggregateParameter(f, t);
            NativeDuckDB.destroyLogicalType(t);
          }
          MemorySegment r = LogicalTypes.create(function.returnType());
          NativeDuckDB.setAggregateReturnType(f, r);
          NativeDuckDB.destroyLogicalType(r);
          NativeDuckDB.setAggregateCallbacks(
              f, stateSize, init, update, combine, finalizer, destroy);
          // DuckDB releases it when it drops f, even if registration fails below.
          NativeDuckDB.setAggregateExtraInfo(f, token.hold(), ReleaseStub.RELEASE_TOKEN);
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
  private Slot<S> stateFor(MemorySegment statePointers, long index, CancelToken token) {
    MemorySegment state = statePointers.getAtIndex(ADDRESS, index).reinterpret(STATE_BYTES);
    long handle = state.get(JAVA_LONG, 0);
    if (handle != 0) return (Slot<S>) StateTable.AGGREGATE_STATES.get(handle);
    Slot<S> created = new Slot<>(function.newState(), token == null ? 0 : token.mark());
    state.set(JAVA_LONG, 0, StateTable.AGGREGATE_STATES.add(created));
    return created;
  }

  @SuppressWarnings("unchecked")
  private static <S> Slot<S> slot(long handle) {
    return (Slot<S>) StateTable.AGGREGATE_STATES.get(handle);
  }

  /** The token named by the function's extra info; null for a function registered without one. */
  private static CancelToken token(MemorySegment info) {
    return CancelToken.byId(NativeDuckDB.aggregateExtraInfo(info));
  }

  private static Cancellation cancellation(CancelToken token, Slot<?> slot) {
    return token == null ? Cancellation.NEVER : token.since(slot.cancelMark);
  }

  private void update(Slot<S> slot, CancelToken token, InputChunk input, int[] rows, int count) {
    Cancellation cancellation = cancellation(token, slot);
    if (cancellation.isCancelled()) throw new QueryCancelledException();
    Cancellation.runWith(cancellation, () -> function.update(slot.state, input, rows, count));
  }

  private void update(MemorySegment info, MemorySegment chunk, MemorySegment states) {
    try {
      CancelToken token = token(info);
      InputChunk input = new DuckDBInputChunk(chunk);
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
        update(stateFor(pointers, 0, token), token, input, rows, n);
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
        update(stateFor(pointers, order[start], token), token, input, rows, count);
        start = end;
      }
    } catch (Throwable t) {
      reportError(info, function.name(), t);
    }
  }

  private void combine(MemorySegment info, MemorySegment source, MemorySegment target, long count) {
    try {
      CancelToken token = token(info);
      MemorySegment sources = source.reinterpret(ADDRESS.byteSize() * count);
      MemorySegment targets = target.reinterpret(ADDRESS.byteSize() * count);
      for (long i = 0; i < count; i++) {
        long handle = handleAt(sources, i);
        if (handle == 0) continue;
        Slot<S> from = slot(handle);
        Slot<S> into = stateFor(targets, i, token);
        // A target created after a cancel still carries the cancelled query's rows.
        into.cancelMark = Math.min(into.cancelMark, from.cancelMark);
        Cancellation cancellation = cancellation(token, into);
        if (cancellation.isCancelled()) throw new QueryCancelledException();
        Cancellation.runWith(cancellation, () -> function.combine(from.state, into.state));
      }
    } catch (Throwable t) {
      reportError(info, function.name(), t);
    }
  }

  private void finalizeStates(
      MemorySegment info, MemorySegment source, MemorySegment result, long count, long offset) {
    try {
      CancelToken token = token(info);
      MemorySegment sources = source.reinterpret(ADDRESS.byteSize() * count);
      DuckDBResultWriter out = new DuckDBResultWriter(result);
      for (long i = 0; i < count; i++) {
        long handle = handleAt(sources, i);
        out.moveTo(offset + i);
        if (handle == 0) {
          function.finalize(null, out);
          continue;
        }
        Slot<S> slot = slot(handle);
        Cancellation cancellation = cancellation(token, slot);
        if (cancellation.isCancelled()) throw new QueryCancelledException();
        Cancellation.runWith(cancellation, () -> function.finalize(slot.state, out));
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

  /** duckdb_delete_callback_t: DuckDB dropped a function object (its database closed). */
  private static void releaseToken(MemorySegment extraInfo) {
    try {
      CancelToken.release(extraInfo.address());
    } catch (Throwable t) {
      LOG.log(Level.SEVERE, "actdb: failed to release a cancel token", t);
    }
  }

  private static void reportError(MemorySegment info, String name, Throwable t) {
    boolean expected = t instanceof SqlFunctionException || t instanceof QueryCancelledException;
    String message = expected ? name + ": " + t.getMessage() : name + ": internal error: " + t;
    if (!expected) {
      LOG.log(Level.WARNING, "actdb: " + name + " failed", t);
    }
    try {
      NativeDuckDB.setAggregateError(info, message);
    } catch (Throwable nested) {
      LOG.log(Level.SEVERE, "actdb: could not report an error to DuckDB: " + message, nested);
    }
  }
}
