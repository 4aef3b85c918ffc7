package io.actdb.sql.duckdb;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Java objects behind DuckDB aggregate states. DuckDB gives each group a few bytes of state
 * memory; actdb stores there a handle (a {@code long}, 0 = no state yet) that maps to the Java
 * state object here. The entry is removed when DuckDB destroys the state.
 */
final class StateTable {
  private StateTable() {}

  private static final ConcurrentHashMap<Long, Object> STATES = new ConcurrentHashMap<>();
  private static final AtomicLong NEXT_HANDLE = new AtomicLong(1);

  static long add(Object state) {
    long handle = NEXT_HANDLE.getAndIncrement();
    STATES.put(handle, state);
    return handle;
  }

  static Object get(long handle) {
    Object state = STATES.get(handle);
    if (state == null) throw new IllegalStateException("unknown aggregate state handle " + handle);
    return state;
  }

  static void remove(long handle) {
    STATES.remove(handle);
  }

  static int live() {
    return STATES.size();
  }
}
