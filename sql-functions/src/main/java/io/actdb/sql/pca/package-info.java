/**
 * Internal: principal component analysis in SQL ({@code pca}; {@code pca_project} is a SQL macro
 * registered by {@code io.actdb.sql.ActdbFunctions}). The second moments stream through the Gram
 * kernels of {@code io.actdb.sql.kernels}; the eigen-decomposition in finalize is EJML's. Written
 * against the engine-neutral SPI ({@code io.actdb.sql.spi}); semantics: {@code
 * docs/sql-functions.md}.
 */
package io.actdb.sql.pca;
