/**
 * Dense float32 numeric kernels behind the actdb SQL aggregates, chiefly the Gram matrix {@code
 * zᵀz} that linear CKA is computed from. Public for the benchmarks module, which times them alone;
 * otherwise used only inside sql-functions.
 *
 * <p>The package knows nothing of DuckDB, SQL or activations: kernels take plain row-major {@code
 * float[]} blocks and accumulate into caller-owned {@code double[]} results, so they can be tested
 * and benchmarked on their own. It has the three-part shape of Lucene's vectorization support:
 * {@link io.actdb.sql.kernels.GramKernels} (the contract), {@link
 * io.actdb.sql.kernels.ScalarGramKernels} (plain Java: the fallback and the test oracle) and {@link
 * io.actdb.sql.kernels.PanamaGramKernels} (the Vector API, {@code jdk.incubator.vector}). {@link
 * io.actdb.sql.kernels.Kernels} picks one per JVM; {@code io.actdb.bench.GramKernelBenchmark} (the
 * benchmarks module) measures and checks the pick.
 *
 * <p>The Gram kernel sums in float64 by default ({@link
 * io.actdb.sql.kernels.GramKernels.Accumulation#EXACT}), so that CKA does not depend on row order
 * or DuckDB's thread count; float32 runs are an opt-in at twice the speed. One call can use several
 * cores, from one shared pool of daemon threads ({@code KernelThreads}): DuckDB scans small tables
 * on a single thread.
 */
package io.actdb.sql.kernels;
