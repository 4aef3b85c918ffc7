/**
 * Cancellation of running SQL function calls, engine-neutral: the bridge binds a {@link
 * io.actdb.sql.cancel.Cancellation} for the duration of each callback, and the long loops of the
 * kernels and aggregates poll it with {@link io.actdb.sql.cancel.Cancellation#checkpoint()}.
 * Internal to sql-functions.
 */
package io.actdb.sql.cancel;
