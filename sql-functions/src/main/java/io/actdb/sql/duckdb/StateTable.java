package io.actdb.sql.duckdb;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Java objects behind native pointers. DuckDB keeps a {@code long} handle (0 = none) where C code
 * would keep a pointer: in a few bytes of aggregate state memory, or as the {@code void *} of a
 * table function's bind, init and local init data. The handle maps to the Java object here until
 * DuckDB destroys the state (aggregate {@code destroy}, table function delete callbacks).
 */
final class StateTable {
  private static final AtomicLong NEXT_HANDLE = new AtomicLong(1);

  /** States of Java aggregates, one per group. */
  static final StateTable AGGREGATE_STATES = new StateTable("aggregate state");

  /** Java table functions registered in a database: the extra info of DuckDB's catalog entry. */
  static final StateTable TABLE_FUNCTIONS = new StateTable("table function");

  /** Bind data, global and thread-local states of Java table functions. */
  static final StateTable TABLE_FUNCTION_STATES = new StateTable("table function state");

  private final ConcurrentHashMap<Long, Object> states = new ConcurrentHashMap<>();
  private final String kind;

  private StateTable(String kind) {
    this.kind = kind;
  }

  long add(Object state) {
    long handle = NEXT_HANDLE.getAndIncrement();
    states.put(handle, state);
    return handle;
  }

  Object get(long handle) {
    Object state = states.get(handle);
    if (state == null) throw new IllegalStateException("unknown " + kind + " handle " + handle);
    return state;
  }

  /** Removes and returns the object behind {@code handle}, or null if there is none. */
  Object remove(long handle) {
    return states.remove(handle);
  }

  int live() {
    return states.size();
  }
}
