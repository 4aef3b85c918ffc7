package io.actdb.spark;

import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Vector columns for the actdb functions: Parquet datasets (what activations on a cluster usually
 * are: a sample id and a vector column per row), read with Spark's own reader and their vector
 * columns checked and cast to {@code array<float>}.
 */
public final class SparkVectors {
  private SparkVectors() {}

  /**
   * Reads the Parquet dataset at {@code path} (a file, a directory of shards, a glob; partition
   * folders such as {@code layer=fc1/} become columns) with {@link #asFloatVectors} applied to
   * {@code vectorColumns}.
   */
  public static Dataset<Row> readParquet(SparkSession spark, String path, String... vectorColumns) {
    return asFloatVectors(spark.read().parquet(path), vectorColumns);
  }

  /**
   * {@code data} with each of {@code vectorColumns} cast to {@code array<float>} (from any array of
   * numbers; doubles are rounded to float, as DuckDB's functions do) and checked as the rows are
   * read: a NULL element inside a non-NULL vector is an error naming the column and the position
   * (the actdb functions would otherwise read it as 0; DuckDB refuses it the same way). NULL
   * vectors stay NULL: the functions skip them.
   *
   * @throws ActdbSparkException when a column is missing or does not hold arrays of numbers
   */
  public static Dataset<Row> asFloatVectors(Dataset<Row> data, String... vectorColumns) {
    Dataset<Row> out = data;
    for (String name : vectorColumns) {
      DataType type = typeOf(data, name);
      if (!(type instanceof ArrayType array) || !(array.elementType() instanceof NumericType)) {
        throw new ActdbSparkException(
            "column "
                + name
                + " is "
                + type.simpleString()
                + ", not a vector: the actdb functions take arrays of numbers (array<float>);"
                + " convert an ML vector column with vector_to_array first");
      }
      Column vector = col(name).cast(DataTypes.createArrayType(DataTypes.FloatType, true));
      Column check = vector;
      if (array.containsNull()) {
        Column position = array_position(transform(vector, Column::isNull), true);
        Column message =
            concat(
                lit(name + " has a NULL element (position "),
                position.cast(DataTypes.StringType),
                lit(") in a non-NULL vector"));
        check = when(exists(vector, Column::isNull), raise_error(message)).otherwise(vector);
      }
      out = out.withColumn(name, check);
    }
    return out;
  }

  private static DataType typeOf(Dataset<Row> data, String name) {
    for (StructField f : data.schema().fields()) {
      if (f.name().equals(name)) return f.dataType();
    }
    throw new ActdbSparkException(
        "no column "
            + name
            + " in the dataset; its columns are "
            + Arrays.toString(data.schema().fieldNames()));
  }
}
