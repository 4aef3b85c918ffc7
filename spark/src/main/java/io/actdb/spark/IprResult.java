package io.actdb.spark;

/**
 * What {@link SparkGeometry#ipr} gives: the fields of DuckDB's {@code ipr} struct, same names, same
 * values. precision is null when the reference set has k rows or fewer or the evaluation set none;
 * recall likewise the other way round.
 */
public record IprResult(Double precision, Double recall, long nReference, long nEvaluation) {}
