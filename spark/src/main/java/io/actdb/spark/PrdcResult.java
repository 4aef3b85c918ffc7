package io.actdb.spark;

/**
 * What {@link SparkGeometry#prdc} gives: the fields of DuckDB's {@code prdc} struct, same names,
 * same values. precision, density and coverage are null when the reference set has k rows or fewer
 * or the evaluation set none; recall likewise the other way round.
 */
public record PrdcResult(
    Double precision,
    Double recall,
    Double density,
    Double coverage,
    long nReference,
    long nEvaluation) {}
