package io.actdb.spark;

import org.apache.spark.sql.SparkSession;

/** Public entry point: registers the actdb aggregates as Spark SQL functions. */
public final class ActdbSpark {
  private ActdbSpark() {}

  /** Registers the actdb aggregates in {@code spark}'s function registry. */
  public static void register(SparkSession spark) {}
}
