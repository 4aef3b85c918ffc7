/**
 * Public: the engine-neutral function layer, what an actdb SQL function is written against. An
 * aggregate implements {@link io.actdb.sql.spi.AggregateFunction} (rows arrive as an {@link
 * io.actdb.sql.spi.InputChunk}, vectors as plain float arrays in a {@link
 * io.actdb.sql.spi.VectorColumn}, results go to a {@link io.actdb.sql.spi.ResultWriter}); a table
 * function implements {@link io.actdb.sql.spi.TableFunction} and writes {@link
 * io.actdb.sql.spi.OutputChunk}s. Types are {@link io.actdb.sql.spi.SqlType}s, user-facing failures
 * {@link io.actdb.sql.spi.SqlFunctionException}s, and long loops poll {@link
 * io.actdb.sql.spi.Cancellation#checkpoint()}.
 *
 * <p>Nothing here imports DuckDB or {@code java.lang.foreign}: an engine bridge (today {@code
 * io.actdb.sql.duckdb}) implements the chunk and writer interfaces over its own memory, so the
 * functions run and test without it, and could run on another engine. {@code ArchitectureTest}
 * keeps it so.
 */
package io.actdb.sql.spi;
