/**
 * Internal: the CKA aggregates ({@code cka}, {@code cka_debiased}, {@code cka_rbf}). The math is in
 * plain Java and float64 except the Gram products, which run on {@code io.actdb.sql.kernels}.
 * Written against the engine-neutral SPI ({@code io.actdb.sql.spi}); semantics and decisions:
 * {@code docs/sql-functions.md}.
 */
package io.actdb.sql.cka;
