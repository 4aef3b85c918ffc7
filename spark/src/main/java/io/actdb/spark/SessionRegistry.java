package io.actdb.spark;

import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.classic.SparkSession;

/** The function registry of a session that runs in this JVM (not a Spark Connect client). */
final class SessionRegistry {
  private SessionRegistry() {}

  static FunctionRegistry of(Object session) {
    if (!(session instanceof SparkSession classic)) {
      throw new ActdbSparkException(
          "actdb registers its functions in a Spark session of this JVM; a Spark Connect client"
              + " session cannot take them: call ActdbSpark.register on the server side");
    }
    return classic.sessionState().functionRegistry();
  }
}
