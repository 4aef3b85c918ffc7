/**
 * Internal (public for the benchmarks module, which times them alone): the dense float32 numeric
 * kernels behind the actdb SQL aggregates, with two families:
 *
 * <ul>
 *   <li>Gram: {@link io.actdb.sql.kernels.GramKernels} accumulates {@code zᵀz} (plain or about an
 *       origin, in float64), what linear CKA is computed from;
 *   <li>distances: {@link io.actdb.sql.kernels.DistanceKernels} gives the dot products and squared
 *       distances of tiles of row pairs (the GEMM-shaped core of {@code ipr}, {@code prdc}, {@code
 *       geomca} and {@code cka_rbf}), the vector screen that picks which pairs of a tile row can
 *       matter, and the RBF row kernel.
 * </ul>
 *
 * <p>The package knows nothing of DuckDB, SQL or activations: kernels take plain row-major {@code
 * float[]} blocks and accumulate into caller-owned arrays, so they can be tested and benchmarked on
 * their own. {@link io.actdb.sql.kernels.OffHeapRows} keeps rows outside the heap (the one place a
 * function's data lives in native memory) and hands them back as such blocks, transposed for the
 * example-space Gram matrices of layers wider than the data. Each family has the three-part shape
 * of Lucene's vectorization support: the contract, a plain-Java twin ({@code Scalar*}: the fallback
 * and the test oracle) and a Vector API version ({@code Panama*}, {@code jdk.incubator.vector}).
 * {@link io.actdb.sql.kernels.Kernels} picks one per JVM and says why when it falls back; {@code
 * FloatTiles} packs rows into tiles.
 *
 * <p>The Gram kernel sums in float64 by default ({@link
 * io.actdb.sql.kernels.GramKernels.Accumulation#EXACT}), so that CKA does not depend on row order
 * or DuckDB's thread count; float32 runs are an opt-in at twice the speed. One call can use several
 * cores, from one shared pool of daemon threads ({@code KernelThreads}), which polls the query's
 * cancellation between tasks: DuckDB scans small tables on a single thread.
 */
package io.actdb.sql.kernels;
