package io.actdb.sql.duckdb;

import io.actdb.sql.spi.Cancellation;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cancellation flag of one DuckDB database, shared by every actdb function registered in it.
 *
 * <p>DuckDB's C API gives aggregate callbacks no way to ask whether the query was interrupted
 * ({@code duckdb_interrupt} sets a flag the executor checks only between tasks, and a finalize is
 * one task). So each registered function carries this token's id as its extra info, and the bridge
 * reads the token in every callback.
 *
 * <p>The token is a cancellation counter, not a flag to reset: work remembers the count when it
 * starts (an aggregate state when it is created, a table scan when it is initialised) and is
 * cancelled once the count moved on. A cancel therefore stops exactly the work already under way in
 * that database, and the next query runs without anyone clearing anything — also on a plain DuckDB
 * connection that actdb does not wrap.
 */
final class CancelToken {
  private static final AtomicLong NEXT_ID = new AtomicLong(1);
  private static final ConcurrentHashMap<Long, CancelToken> BY_ID = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<Long, CancelToken> BY_DATABASE = new ConcurrentHashMap<>();

  private final long id;
  private final long database;
  private final AtomicLong cancels = new AtomicLong();

  /** Function objects whose extra info names this token; DuckDB drops each once. */
  private final AtomicInteger holders = new AtomicInteger();

  private CancelToken(long id, long database) {
    this.id = id;
    this.database = database;
  }

  /** The token of the database at native address {@code database}, created on first use. */
  static CancelToken forDatabase(long database) {
    return BY_DATABASE.computeIfAbsent(
        database,
        d -> {
          CancelToken token = new CancelToken(NEXT_ID.getAndIncrement(), d);
          BY_ID.put(token.id, token);
          return token;
        });
  }

  /**
   * The token of the database at {@code database}, or null if no actdb function is registered
   * there.
   */
  static CancelToken ofDatabase(long database) {
    return BY_DATABASE.get(database);
  }

  /**
   * The token a function's extra info names, or null once released (which cannot happen while
   * DuckDB still runs the function).
   */
  static CancelToken byId(long id) {
    return BY_ID.get(id);
  }

  /** The id to store as a function's extra info; pair each call with one {@link #release}. */
  long hold() {
    holders.incrementAndGet();
    return id;
  }

  /** DuckDB dropped a function object that named this token (its database closed). */
  static void release(long id) {
    CancelToken token = BY_ID.get(id);
    if (token != null && token.holders.decrementAndGet() == 0) {
      BY_ID.remove(id, token);
      BY_DATABASE.remove(token.database, token);
    }
  }

  /** Number of tokens alive (one per database with actdb functions); for leak checks. */
  static int live() {
    return BY_ID.size();
  }

  /** Cancels all work under way in the database now. */
  void cancel() {
    cancels.incrementAndGet();
  }

  /** The count to remember when work starts. */
  long mark() {
    return cancels.get();
  }

  /** A {@link Cancellation} for work started at {@code mark}. */
  Cancellation since(long mark) {
    return () -> cancels.get() != mark;
  }
}
