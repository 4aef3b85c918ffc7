package io.actdb.spark;

import io.actdb.sql.kernels.Kernels;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoders;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import scala.Function1;
import scala.Option;
import scala.Product;
import scala.collection.immutable.Seq;
import scala.runtime.AbstractFunction1;

/**
 * Public entry point: registers the actdb aggregates as Spark SQL functions.
 *
 * <p>{@code cka(x, y)}, {@code cka_debiased(x, y)}, {@code cca(x, y)}, {@code svcca(x, y [,
 * keep])}, {@code pwcca(x, y)}, {@code linreg_r2(x, y)} and {@code pca(x, k)} take {@code
 * array<float>} vectors (other numeric arrays are cast) and give what the DuckDB functions of the
 * same name give: the same function code runs, with the same rules for NULL rows (skipped), NaN and
 * ±Inf (an error), dimensions (fixed by a group's first row) and too few rows (NULL).
 */
public final class ActdbSpark {
  private ActdbSpark() {}

  /** The SQL names registered, in order. */
  public static List<String> functionNames() {
    List<String> names = new ArrayList<>();
    for (SparkAggregate a : SparkAggregate.values()) {
      if (!names.contains(a.sqlName())) names.add(a.sqlName());
    }
    return names;
  }

  /**
   * Registers the actdb aggregates in {@code spark}'s session as temporary functions; calling it
   * again replaces them.
   */
  public static void register(SparkSession spark) {
    Map<String, List<SparkAggregate>> byName = new LinkedHashMap<>();
    for (SparkAggregate a : SparkAggregate.values()) {
      byName.computeIfAbsent(a.sqlName(), k -> new ArrayList<>()).add(a);
    }
    for (Map.Entry<String, List<SparkAggregate>> e : byName.entrySet()) {
      if (e.getValue().size() == 1) {
        spark.udf().register(e.getKey(), udaf(e.getValue().get(0)));
      } else {
        registerOverloads(spark, e.getKey(), e.getValue());
      }
    }
  }

  /**
   * The kernels each executor of {@code spark} runs, e.g. {@code [panama 512-bit]} (SIMD through
   * the Vector API) or {@code [scalar 32-bit]} (the plain-Java twins, several times slower: the
   * executor JVMs lack {@code --add-modules jdk.incubator.vector}). Runs one small job with a task
   * per core; an executor that ran none of them is not listed.
   */
  public static List<String> executorKernels(SparkSession spark) {
    int tasks = Math.max(1, spark.sparkContext().defaultParallelism());
    return spark
        .range(0, tasks, 1, tasks)
        .mapPartitions(
            (MapPartitionsFunction<Long, String>)
                rows -> List.of(Kernels.name() + " " + Kernels.vectorBits() + "-bit").iterator(),
            Encoders.STRING())
        .distinct()
        .collectAsList();
  }

  /** The Spark function of one aggregate, for the DataFrame API: {@code cka.apply(col, col)}. */
  static UserDefinedFunction udaf(SparkAggregate aggregate) {
    return functions
        .udaf(new SpiAggregator(aggregate), inputEncoder(aggregate))
        .withName(aggregate.sqlName());
  }

  /**
   * One name, several arities (DuckDB's overloads, e.g. {@code svcca(x, y)} and {@code svcca(x, y,
   * keep)}): each arity is registered under a scratch name, and the name itself gets a builder that
   * picks the one matching the call's arguments.
   */
  private static void registerOverloads(
      SparkSession spark, String name, List<SparkAggregate> overloads) {
    FunctionRegistry registry = SessionRegistry.of(spark);
    Map<Integer, Function1<Seq<Expression>, Expression>> builders = new LinkedHashMap<>();
    for (SparkAggregate a : overloads) {
      String scratch = name + "__actdb_" + a.arguments.size();
      spark.udf().register(scratch, udaf(a));
      // Spark keys session functions by a three-part name (catalog "system", schema "session").
      FunctionIdentifier id =
          new FunctionIdentifier(scratch, Option.apply("session"), Option.apply("system"));
      builders.put(a.arguments.size(), registry.lookupFunctionBuilder(id).get());
      registry.dropFunction(id);
    }
    registry.createOrReplaceTempFunction(name, new ArityDispatch(name, builders), "scala_udf");
  }

  /** Chooses the overload of a function by the number of arguments of the call. */
  private static final class ArityDispatch extends AbstractFunction1<Seq<Expression>, Expression>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final Map<Integer, Function1<Seq<Expression>, Expression>> builders;

    ArityDispatch(String name, Map<Integer, Function1<Seq<Expression>, Expression>> builders) {
      this.name = name;
      this.builders = builders;
    }

    @Override
    public Expression apply(Seq<Expression> arguments) {
      Function1<Seq<Expression>, Expression> builder = builders.get(arguments.size());
      if (builder == null) {
        throw new ActdbSparkException(
            name + " takes " + builders.keySet() + " arguments, got " + arguments.size());
      }
      return builder.apply(arguments);
    }
  }

  @SuppressWarnings("unchecked")
  private static Encoder<Product> inputEncoder(SparkAggregate aggregate) {
    List<Encoder<?>> encoders = new ArrayList<>();
    for (SparkAggregate.Argument a : aggregate.arguments) {
      encoders.add(
          switch (a) {
            case VECTOR -> floatArray();
            case DOUBLE -> Encoders.DOUBLE();
            case BIGINT -> Encoders.LONG();
          });
    }
    Encoder<?> tuple =
        switch (encoders.size()) {
          case 2 -> Encoders.tuple(encoders.get(0), encoders.get(1));
          case 3 -> Encoders.tuple(encoders.get(0), encoders.get(1), encoders.get(2));
          default -> throw new IllegalStateException("unexpected arity " + encoders.size());
        };
    return (Encoder<Product>) tuple;
  }

  /** {@code array<float>} read as a {@code float[]}, NULL as null. */
  @SuppressWarnings("unchecked")
  private static Encoder<float[]> floatArray() {
    return (Encoder<float[]>)
        (Object)
            new AgnosticEncoders.ArrayEncoder<>(
                AgnosticEncoders.PrimitiveFloatEncoder$.MODULE$, false);
  }
}
