/**
 * {@code actdb bench}: one command class per benchmark ({@code cka}, {@code ipr}, {@code geomca},
 * {@code store}, {@code extract}), each printing {@code name=value} lines, plus the kernel and
 * Arrow scan benchmarks with a {@code main} of their own, and the Python yardsticks they run
 * (resources beside these classes). Internal: the interface is the command line.
 *
 * <p>This module sits above all the others and nothing depends on it, so none of it reaches the
 * CLI's class path or {@code actdb-jdbc-all.jar}; {@link io.actdb.bench.Bench} is the main class
 * the {@code ./actdb} launcher runs for {@code actdb bench ...}. Benchmarks check their answers (a
 * wrong one fails the run) and reach sql-functions through public classes only: the kernels, the
 * aggregates' settings and the store connections.
 */
package io.actdb.bench;
