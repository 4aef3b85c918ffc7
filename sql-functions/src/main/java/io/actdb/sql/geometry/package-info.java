/**
 * Internal: aggregates over two point sets R and E that need pairwise distances: {@code ipr},
 * {@code prdc} and {@code geomca}. All three share one engine: the points are packed once, a
 * blocked SIMD kernel ({@link io.actdb.sql.kernels.DistanceKernels}) computes fast float32
 * distances tile by tile, and every decision whose outcome the float32 error could change is taken
 * again on the exact distance ({@link io.actdb.sql.geometry.ExactDistance}). No n×n matrix is ever
 * stored. Written against the engine-neutral SPI ({@code io.actdb.sql.spi}).
 */
package io.actdb.sql.geometry;
