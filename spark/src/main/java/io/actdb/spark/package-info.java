/**
 * The actdb aggregates on Apache Spark: {@link io.actdb.spark.ActdbSpark#register} makes {@code
 * cka}, {@code cka_debiased}, the CCA family and {@code pca} Spark SQL functions that run the same
 * function code as on DuckDB (the SPI aggregates of sql-functions and their kernels), and readers
 * bring Parquet datasets and actdb stores in as DataFrames. Public.
 */
package io.actdb.spark;
